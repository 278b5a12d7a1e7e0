// `taskgate approvals ls`, `taskgate approve ID`, `taskgate deny ID`: act on just-in-time approval requests through
// the running decider's gRPC API. The decider verifies the approver's token with its own identity settings, asks
// its own data.taskgate.approve, audits the vote, and wakes the shim holding the operation at once.
import { connectDecider, DeciderCallError } from '../decider/server/client.js';
import type { ApprovalReply } from '../decider/server/proto.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, stringOption, UsageError, type Io, type Options, type Parsed } from './args.js';
import { DEFAULT_DECIDER_ADDRESS } from './decide.js';
import { formatTable } from './table.js';

export const APPROVALS_SUMMARY = 'list just-in-time approval requests';
export const APPROVE_SUMMARY = 'approve a held operation';
export const DENY_SUMMARY = 'deny a held operation';

const DECIDER_HELP = `      --decider ADDR     the decider's gRPC address (default ${DEFAULT_DECIDER_ADDRESS})`;
const DECIDER_OPTIONS: Options = { decider: { type: 'string' } };

const LS_USAGE = `Usage: taskgate approvals ls [--pending] [--json] [--decider ADDR]

Lists the most recent approval requests, newest first: id, status, who asked, resource, what for, and who approved.

Options:
      --pending          only requests still waiting for a decision
      --json             print a JSON array of the requests instead of a table
${DECIDER_HELP}`;

function voteUsage(verb: 'approve' | 'deny'): string {
  return `Usage: taskgate ${verb} ID --token TOKEN [--reason TEXT] [--decider ADDR]

${verb === 'approve' ? 'Approves' : 'Denies'} the request ID as the person the token names. The decider verifies the token as it
verifies a client's, and data.taskgate.approve decides who may; nobody may ${verb} a request they made themselves.

Options:
      --token TOKEN      your credential: an OIDC ID token from a trusted issuer, or a task token
      --reason TEXT      why, kept in the audit log
${DECIDER_HELP}`;
}

/** `taskgate approvals ls ...` */
export async function approvalsCommand(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(LS_USAGE + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name !== 'ls') throw new UsageError(`unknown command "approvals ${name}"`, LS_USAGE);
  const parsed = parseCommandLine(rest, { pending: { type: 'boolean' }, json: { type: 'boolean' }, ...DECIDER_OPTIONS }, LS_USAGE);
  if (parsed.help) {
    io.stdout(LS_USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, LS_USAGE);
  return withDecider(parsed, io, async (client) => {
    const replies = await client.listApprovals(parsed.values.pending === true);
    const documents = replies.map((r) => JSON.parse(r.approval_json) as ApprovalDocument);
    io.stdout(parsed.values.json === true ? JSON.stringify(documents, null, 2) + '\n' : approvalsTable(documents));
    return EXIT_OK;
  });
}

export function approveCommand(argv: readonly string[], io: Io): Promise<number> {
  return voteCommand('approve', argv, io);
}

export function denyCommand(argv: readonly string[], io: Io): Promise<number> {
  return voteCommand('deny', argv, io);
}

async function voteCommand(verb: 'approve' | 'deny', argv: readonly string[], io: Io): Promise<number> {
  const usage = voteUsage(verb);
  const parsed = parseCommandLine(argv, { token: { type: 'string' }, reason: { type: 'string' }, ...DECIDER_OPTIONS }, usage);
  if (parsed.help) {
    io.stdout(usage + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one approval id', usage);
  const id = parsed.positionals[0];
  const token = stringOption(parsed, 'token');
  if (token === undefined || token === '') throw new UsageError('--token is required: approvals are made by a verified person', usage);
  const reason = stringOption(parsed, 'reason');
  if (reason !== undefined && /[\u0000-\u001f\u007f]/.test(reason)) throw new UsageError('--reason must be one line of text', usage);
  return withDecider(parsed, io, async (client) => {
    const vote = { approval_id: id, credential: token, reason: reason ?? '' };
    const reply = verb === 'approve' ? await client.approve(vote) : await client.deny(vote);
    if (reply.error_code !== '') {
      io.stderr(`taskgate: ${reply.error_message} (${reply.error_code})\n`);
      return EXIT_FAILURE;
    }
    io.stdout(outcomeLine(verb, reply) + '\n');
    return EXIT_OK;
  });
}

async function withDecider(parsed: Parsed, io: Io, work: (client: ReturnType<typeof connectDecider>) => Promise<number>): Promise<number> {
  const address = stringOption(parsed, 'decider') ?? DEFAULT_DECIDER_ADDRESS;
  const client = connectDecider(address);
  try {
    return await work(client);
  } catch (e) {
    if (!(e instanceof DeciderCallError)) throw e;
    io.stderr(`taskgate: the decider at ${address} did not answer: ${e.reason || `gRPC status ${e.grpcCode}`}: ${e.message}\n`);
    return EXIT_FAILURE;
  } finally {
    client.close();
  }
}

/** ApprovalReply.approval_json (decider/approvals/document.ts), as far as the CLI prints it. */
interface ApprovalDocument {
  id: string;
  status: string;
  requester: { subject: string };
  task?: { name: string };
  resource: string;
  reasons: string[];
  min: number;
  scope: string;
  approved_by: string[];
  created_at: string;
}

function outcomeLine(verb: 'approve' | 'deny', reply: ApprovalReply): string {
  const approval = JSON.parse(reply.approval_json) as ApprovalDocument;
  if (verb === 'deny') return `${reply.approval_id} denied by ${reply.denied_by}; the operation stays refused`;
  if (reply.status === 'approved') {
    return `${reply.approval_id} approved (${reply.approved_by.join(', ')}); usable until ${reply.usable_until} (${approval.scope})`;
  }
  return `${reply.approval_id}: approval recorded, ${reply.approved_by.length} of ${approval.min} needed`;
}

function approvalsTable(approvals: readonly ApprovalDocument[]): string {
  if (approvals.length === 0) return 'no approval requests\n';
  const rows = approvals.map((a) => [
    a.id,
    a.status,
    a.requester.subject,
    a.task?.name ?? '-',
    a.resource,
    a.reasons.join('; '),
    `${a.approved_by.length}/${a.min}`,
    a.created_at,
  ]);
  return formatTable(['ID', 'STATUS', 'REQUESTER', 'TASK', 'RESOURCE', 'WHY', 'APPROVALS', 'CREATED'], rows);
}
