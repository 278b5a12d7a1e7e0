// `taskgate audit ...`: read, prove and export the decider's hash-chained audit log, straight from the data
// directory (a running decider may keep writing meanwhile; readers see committed records only).
import { parseDuration } from '../decider/identity/duration.js';
import type { AuditFilter, AuditKind, AuditRecord, Verdict } from '../decider/store/index.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  stringOption,
  UsageError,
  type Io,
  type Parsed,
} from './args.js';
import { groupUsage, reportingFailures, selectSubcommand, type SubcommandSpec } from './command-group.js';
import { DATA_DIR_HELP, DATA_DIR_OPTIONS, dataDirOf, expectedFailureMessage, withExistingStore } from './data-dir.js';
import { formatTable } from './table.js';

const VERDICTS: readonly Verdict[] = ['allow', 'deny', 'mask', 'require_approval'];
const KINDS: readonly AuditKind[] = ['decision', 'approval', 'task_issued', 'task_revoked', 'session_closed'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Subcommand extends SubcommandSpec {
  run(parsed: Parsed, io: Io, usage: string): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  ls: {
    summary: 'list audit records, filtered',
    usage: `Usage: taskgate audit ls [--subject S] [--task T] [--verdict V] [--kind K] [--since 1h] [--limit N]
                        [--json] [--data-dir DIR]

Lists the most recent matching records, oldest first.

Options:
      --subject S        only records of this subject
      --task T           only records of this task (id or name)
      --verdict V        only decisions with this verdict: ${VERDICTS.join(', ')}
      --kind K           only records of this kind: ${KINDS.join(', ')}
      --since WHEN       only records since WHEN: a duration back from now (90s, 15m, 1h, 2d) or an RFC 3339 time
      --limit N          at most N records, the most recent (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})
      --json             print a JSON array of the records instead of a table
${DATA_DIR_HELP}`,
    options: {
      subject: { type: 'string' },
      task: { type: 'string' },
      verdict: { type: 'string' },
      kind: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      ...DATA_DIR_OPTIONS,
    },
    run: runList,
  },
  verify: {
    summary: 'prove the hash chain: exit 0 when intact, 1 naming the first bad record',
    usage: `Usage: taskgate audit verify [--data-dir DIR]

Recomputes the hash chain from the first record. When it holds, prints the record count and the head
(seq and hash; keep a copy elsewhere to detect a rewritten tail later) and exits 0. Otherwise names the
first altered, reordered or missing record and exits 1.

Options:
${DATA_DIR_HELP}`,
    options: { ...DATA_DIR_OPTIONS },
    run: runVerify,
  },
  export: {
    summary: 'print every record, oldest first, as JSON lines',
    usage: `Usage: taskgate audit export [--format jsonl] [--data-dir DIR]

Prints every record, oldest first, one JSON object per line, with its seq, hashes and content, so that the
chain can be checked and archived elsewhere.

Options:
      --format jsonl     the output format (jsonl, the only one so far)
${DATA_DIR_HELP}`,
    options: { format: { type: 'string' }, ...DATA_DIR_OPTIONS },
    run: runExport,
  },
};

export const AUDIT_SUMMARY = 'list, verify and export the audit log';

export const AUDIT_USAGE = groupUsage('audit', SUBCOMMANDS);

/** Runs `taskgate audit ARGS...`; returns the exit code. Throws UsageError for a bad command line. */
export async function auditCommand(argv: readonly string[], io: Io): Promise<number> {
  const selected = selectSubcommand('audit', SUBCOMMANDS, argv, io);
  if (typeof selected === 'number') return selected;
  const { sub, parsed } = selected;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, sub.usage);
  return reportingFailures(io, expectedFailureMessage, () => sub.run(parsed, io, sub.usage));
}

async function runList(parsed: Parsed, io: Io, usage: string): Promise<number> {
  const filter = filterOf(parsed, usage, new Date());
  const records = await withExistingStore(dataDirOf(parsed), (store) => store.list(filter));
  if (parsed.values.json === true) {
    io.stdout(JSON.stringify(records, null, 2) + '\n');
    return EXIT_OK;
  }
  if (records.length === 0) {
    io.stdout('no matching audit records\n');
    return EXIT_OK;
  }
  const rows = records.map((r) => [
    String(r.seq),
    r.time,
    r.kind,
    r.subject ?? '-',
    r.taskName ?? r.taskId ?? '-',
    r.resource ?? '-',
    r.operationAction ?? '-',
    r.verdict ?? '-',
    summaryOf(r),
  ]);
  io.stdout(formatTable(['SEQ', 'TIME', 'KIND', 'SUBJECT', 'TASK', 'RESOURCE', 'ACTION', 'VERDICT', 'DETAIL'], rows));
  return EXIT_OK;
}

/** One line that says why: a decision's reasons, who acted on a task or approval, what a closed session did. */
function summaryOf(record: AuditRecord): string {
  if (record.kind === 'decision') return (record.reasons ?? []).join('; ');
  if (record.kind === 'session_closed') return sessionSummaryOf(record.detail);
  const detail =
    record.detail !== null && typeof record.detail === 'object' && !Array.isArray(record.detail) ? record.detail : {};
  const parts = [
    record.actor === null ? undefined : `by ${record.actor}`,
    typeof detail.action === 'string' ? detail.action : undefined,
    typeof detail.reason === 'string' && detail.reason !== '' ? detail.reason : undefined,
    typeof detail.expires_at === 'string' ? `expires ${detail.expires_at}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

/** `cells_masked=0 decisions=2 ...`, by name (records keep canonical JSON); the decider accepts only flat summaries. */
function sessionSummaryOf(detail: AuditRecord['detail']): string {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return 'closed, no summary sent';
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
}

function filterOf(parsed: Parsed, usage: string, now: Date): AuditFilter {
  const verdict = stringOption(parsed, 'verdict');
  if (verdict !== undefined && !VERDICTS.includes(verdict as Verdict)) {
    throw new UsageError(`--verdict "${verdict}" is not a verdict: use one of ${VERDICTS.join(', ')}`, usage);
  }
  const kind = stringOption(parsed, 'kind');
  if (kind !== undefined && !KINDS.includes(kind as AuditKind)) {
    throw new UsageError(`--kind "${kind}" is not a kind of record: use one of ${KINDS.join(', ')}`, usage);
  }
  const since = stringOption(parsed, 'since');
  const limitText = stringOption(parsed, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^\d{1,6}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw new UsageError(`--limit "${limitText}" must be a whole number from 1 to ${MAX_LIMIT}`, usage);
  }
  const subject = stringOption(parsed, 'subject');
  const task = stringOption(parsed, 'task');
  return {
    ...(subject === undefined ? {} : { subject }),
    ...(task === undefined ? {} : { task }),
    ...(verdict === undefined ? {} : { verdict: verdict as Verdict }),
    ...(kind === undefined ? {} : { kind: kind as AuditKind }),
    ...(since === undefined ? {} : { since: sinceOf(since, now, usage) }),
    limit,
  };
}

function sinceOf(text: string, now: Date, usage: string): Date {
  if (RFC3339.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text);
  const duration = parseDuration(text);
  if ('error' in duration) {
    throw new UsageError(`--since: ${duration.error}; or give an RFC 3339 time such as 2026-11-29T10:00:00Z`, usage);
  }
  return new Date(now.getTime() - duration.seconds * 1000);
}

async function runVerify(parsed: Parsed, io: Io): Promise<number> {
  const result = await withExistingStore(dataDirOf(parsed), (store) => store.verify());
  if (result.ok) {
    io.stdout(
      `audit log intact: ${result.count} record${result.count === 1 ? '' : 's'}, head seq ${result.head.seq} hash ${result.head.hash}\n`,
    );
    return EXIT_OK;
  }
  io.stderr(`taskgate: audit log broken at record ${result.seq} (${result.problem}): ${result.reason}\n`);
  return EXIT_FAILURE;
}

async function runExport(parsed: Parsed, io: Io, usage: string): Promise<number> {
  const format = stringOption(parsed, 'format') ?? 'jsonl';
  if (format !== 'jsonl') throw new UsageError(`--format "${format}" is not supported: use jsonl`, usage);
  await withExistingStore(dataDirOf(parsed), async (store) => {
    for await (const record of store.export()) io.stdout(JSON.stringify(record) + '\n');
  });
  return EXIT_OK;
}
