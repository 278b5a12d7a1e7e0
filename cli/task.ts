// `taskgate task ...`: issue task tokens, list tasks, revoke them. Works on the data directory directly, so it
// needs no running decider; a decider sharing the directory sees a revocation at the task's next operation.
import { userInfo } from 'node:os';
import { formatDuration, parseDuration } from '../decider/identity/duration.js';
import { GRANT_ACTIONS, GRANT_SYNTAX, parseGrant } from '../decider/identity/grant-syntax.js';
import { loadOrCreateSigningKey } from '../decider/identity/keys.js';
import { newSortableId } from '../decider/ids.js';
import { mintTaskToken, rfc3339Seconds } from '../decider/identity/task-token.js';
import { StoreError, type NewTask, type TaskGrant, type TaskRecord } from '../decider/store/index.js';
import {
  EXIT_OK,
  listOption,
  stringOption,
  UsageError,
  type Io,
  type Parsed,
} from './args.js';
import { groupUsage, reportingFailures, selectSubcommand, type SubcommandSpec } from './command-group.js';
import {
  CommandFailure,
  DATA_DIR_HELP,
  DATA_DIR_OPTIONS,
  dataDirOf,
  expectedFailureMessage,
  withExistingStore,
  withStore,
} from './data-dir.js';
import { formatTable } from './table.js';

export const DEFAULT_TTL = '15m';
export const DEFAULT_MAX_TTL = '24h';
const MIN_TTL_SECONDS = 10;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Control characters would let a subject or reason forge lines in tables and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

interface Subcommand extends SubcommandSpec {
  run(parsed: Parsed, io: Io, usage: string): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  issue: {
    summary: 'issue a task and print its token',
    usage: `Usage: taskgate task issue --subject S --task NAME --grant ${GRANT_SYNTAX}... [--ttl 15m]
                           [--purpose TEXT] [--max-ttl 24h] [--data-dir DIR]

Records a task and prints its token (only the token, so TOKEN=$(taskgate task issue ...) works) on stdout,
and a summary (task id, expiry) on stderr. Makes the task signing key in DIR/keys on first use.

Options:
      --subject S        who runs the task (the token's subject)
      --task NAME        the task's name, e.g. nightly-orders-backup
      --grant GRANT      what the task may do, repeatable: ${GRANT_SYNTAX},
                         e.g. orders-db:read:public.orders; actions: ${GRANT_ACTIONS.join(', ')}
                         (exec on a Postgres resource runs a function: orders-db:exec:public.refresh_stats)
      --ttl DURATION     how long the task lasts (default ${DEFAULT_TTL}; units s, m, h, d)
      --purpose TEXT     why the task exists, for reviewers and the audit log
      --max-ttl DURATION raise the longest ttl accepted (default ${DEFAULT_MAX_TTL})
${DATA_DIR_HELP}`,
    options: {
      subject: { type: 'string' },
      task: { type: 'string' },
      grant: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      purpose: { type: 'string' },
      'max-ttl': { type: 'string' },
      ...DATA_DIR_OPTIONS,
    },
    run: runIssue,
  },
  ls: {
    summary: 'list tasks: id, name, subject, expiry, status',
    usage: `Usage: taskgate task ls [--json] [--data-dir DIR]

Lists every task, most recently issued first, with its status: active, expired or revoked.

Options:
      --json             print a JSON array instead of a table
${DATA_DIR_HELP}`,
    options: { json: { type: 'boolean' }, ...DATA_DIR_OPTIONS },
    run: runList,
  },
  revoke: {
    summary: 'revoke a task: it is denied at its next operation',
    usage: `Usage: taskgate task revoke ID [--reason TEXT] [--data-dir DIR]

Revokes the task for good. Deciders sharing the data directory refuse it from its next operation on.

Options:
      --reason TEXT      why, shown to the task's holder and kept in the audit log
${DATA_DIR_HELP}`,
    options: { reason: { type: 'string' }, ...DATA_DIR_OPTIONS },
    run: runRevoke,
  },
};

export const TASK_SUMMARY = 'issue, list and revoke task tokens';

export const TASK_USAGE = groupUsage('task', SUBCOMMANDS);

/** Runs `taskgate task ARGS...`; returns the exit code. Throws UsageError for a bad command line. */
export async function taskCommand(argv: readonly string[], io: Io): Promise<number> {
  const selected = selectSubcommand('task', SUBCOMMANDS, argv, io);
  if (typeof selected === 'number') return selected;
  const { sub, parsed } = selected;
  return reportingFailures(io, expectedFailureMessage, () => sub.run(parsed, io, sub.usage));
}

async function runIssue(parsed: Parsed, io: Io, usage: string): Promise<number> {
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, usage);
  const subject = requiredText(parsed, 'subject', usage);
  const name = requiredText(parsed, 'task', usage);
  if (!NAME.test(name)) {
    throw new UsageError(
      `--task "${name}" is not a task name: use letters, digits, '.', '_' and '-', e.g. nightly-orders-backup`,
      usage,
    );
  }
  const purpose = stringOption(parsed, 'purpose') ?? '';
  if (CONTROL.test(purpose)) throw new UsageError('--purpose must be one line of text', usage);
  const grants = grantsOf(parsed, usage);
  const ttlSeconds = ttlOf(parsed, usage);
  const dataDir = dataDirOf(parsed);
  const key = await loadOrCreateSigningKey(dataDir);
  const now = new Date();
  const task: NewTask = {
    id: newSortableId('tsk', now),
    subject,
    name,
    purpose,
    grants,
    issuedAt: rfc3339Seconds(now),
    expiresAt: rfc3339Seconds(new Date(Date.parse(rfc3339Seconds(now)) + ttlSeconds * 1000)),
    issuedBy: cliUser(),
  };
  const token = await mintTaskToken(key, task);
  // The record commits before the token is shown: a token whose task the store lacks would be refused anyway.
  await withStore(dataDir, (store) => store.issueTask(task));
  io.stdout(token + '\n');
  io.stderr(
    `issued task ${task.id} (${name}) for ${subject}, expires ${task.expiresAt} (in ${formatDuration(ttlSeconds)})\n`,
  );
  return EXIT_OK;
}

function requiredText(parsed: Parsed, option: string, usage: string): string {
  const value = stringOption(parsed, option);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${option} is required`, usage);
  if (CONTROL.test(value) || value !== value.trim()) {
    throw new UsageError(`--${option} ${JSON.stringify(value)} has control characters or surrounding spaces`, usage);
  }
  return value;
}

function grantsOf(parsed: Parsed, usage: string): TaskGrant[] {
  const texts = listOption(parsed, 'grant');
  if (texts.length === 0) {
    throw new UsageError(
      `at least one --grant is required (${GRANT_SYNTAX}): a task with no grant can do nothing`,
      usage,
    );
  }
  return texts.map((text) => {
    const result = parseGrant(text);
    if ('error' in result) throw new UsageError(`--grant: ${result.error}`, usage);
    return result.grant;
  });
}

function ttlOf(parsed: Parsed, usage: string): number {
  const duration = (option: string, fallback: string) => {
    const result = parseDuration(stringOption(parsed, option) ?? fallback);
    if ('error' in result) throw new UsageError(`--${option}: ${result.error}`, usage);
    return result.seconds;
  };
  const ttl = duration('ttl', DEFAULT_TTL);
  const max = duration('max-ttl', DEFAULT_MAX_TTL);
  if (ttl < MIN_TTL_SECONDS)
    throw new UsageError(`--ttl ${formatDuration(ttl)} is too short: at least ${MIN_TTL_SECONDS}s`, usage);
  if (ttl > max) {
    throw new UsageError(
      `--ttl ${formatDuration(ttl)} is longer than the ${formatDuration(max)} limit: split the work into shorter ` +
        `tasks, or pass --max-ttl ${formatDuration(ttl)} if this task really needs that long`,
      usage,
    );
  }
  return ttl;
}

/** Who runs the CLI, recorded as the issuer or revoker of a task. */
function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name, only a uid.
    return process.env.USER ?? `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

type TaskStatus = 'active' | 'expired' | 'revoked';

function statusOf(task: TaskRecord, now: Date): TaskStatus {
  if (task.revocation !== null) return 'revoked';
  return Date.parse(task.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

async function runList(parsed: Parsed, io: Io, usage: string): Promise<number> {
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, usage);
  const dataDir = dataDirOf(parsed);
  const tasks = await withExistingStore(dataDir, (store) => store.listTasks());
  const now = new Date();
  if (parsed.values.json === true) {
    io.stdout(
      JSON.stringify(
        tasks.map((t) => taskJson(t, now)),
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  if (tasks.length === 0) {
    io.stdout(`no tasks in ${dataDir}; issue one with \`taskgate task issue\`\n`);
    return EXIT_OK;
  }
  const rows = tasks.map((t) => [t.id, t.name, t.subject, t.expiresAt, statusOf(t, now)]);
  io.stdout(formatTable(['ID', 'NAME', 'SUBJECT', 'EXPIRES', 'STATUS'], rows));
  return EXIT_OK;
}

function taskJson(task: TaskRecord, now: Date) {
  return {
    id: task.id,
    name: task.name,
    subject: task.subject,
    purpose: task.purpose,
    grants: task.grants,
    issued_at: task.issuedAt,
    expires_at: task.expiresAt,
    issued_by: task.issuedBy ?? null,
    status: statusOf(task, now),
    revocation: task.revocation,
  };
}

async function runRevoke(parsed: Parsed, io: Io, usage: string): Promise<number> {
  if (parsed.positionals.length !== 1) throw new UsageError('name exactly one task id to revoke', usage);
  const [id] = parsed.positionals;
  const reason = stringOption(parsed, 'reason') ?? '';
  if (CONTROL.test(reason)) throw new UsageError('--reason must be one line of text', usage);
  const dataDir = dataDirOf(parsed);
  try {
    await withExistingStore(dataDir, (store) => store.revokeTask(id, cliUser(), reason));
  } catch (err) {
    if (err instanceof StoreError && err.code === 'task_not_found') {
      throw new CommandFailure(`no task ${id} in ${dataDir}: \`taskgate task ls\` lists the tasks`);
    }
    throw err;
  }
  io.stdout(`revoked task ${id}${reason === '' ? '' : `: ${reason}`}\n`);
  return EXIT_OK;
}
