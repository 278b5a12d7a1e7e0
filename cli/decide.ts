// `taskgate decide`: asks a running decider about one operation and prints the decision, so a person can see
// exactly why something was denied (the reasons are the policy's own).
import { readFile } from 'node:fs/promises';
import { RESOURCE_KINDS } from '../decider/config.js';
import { connectDecider, DeciderCallError } from '../decider/server/client.js';
import type { DecisionMessage, OpenSessionResponse } from '../decider/server/proto.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandLine, stringOption, UsageError, type Io } from './args.js';

export const DECIDE_SUMMARY = 'ask a running decider about one operation and print the decision';

export const DEFAULT_DECIDER_ADDRESS = '127.0.0.1:7070';

export const DECIDE_USAGE = `Usage: taskgate decide --resource NAME --kind postgres|ssh|http --operation FILE.json --token TOKEN
                       [--decider ADDR]

Opens a session with TOKEN (a task token or an OIDC ID token) for the resource, asks the decider about the
operation in FILE.json (input.operation of docs/policy-contract.md; - reads it from stdin), and prints the
decision as JSON: verdict, reasons, mask, approval, the audit record it was written to, and the policy revision.
Exits 0 when the decider answered (whatever the verdict), 1 when it refused or could not be reached.

Options:
      --resource NAME    the resource, as grants name it (e.g. orders-db)
      --kind KIND        ${RESOURCE_KINDS.join(', ')}
      --operation FILE   the operation document (JSON)
      --token TOKEN      the credential; default: the TASKGATE_TOKEN environment variable
      --decider ADDR     the decider's gRPC address (default ${DEFAULT_DECIDER_ADDRESS})`;

const OPTIONS = {
  resource: { type: 'string' },
  kind: { type: 'string' },
  operation: { type: 'string' },
  token: { type: 'string' },
  decider: { type: 'string' },
} as const;

/** How long `decide` waits for the decider: long enough for a first decision after a cold start. */
const CALL_TIMEOUT_MS = 15_000;

export async function decideCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandLine(argv, OPTIONS, DECIDE_USAGE);
  if (parsed.help) {
    io.stdout(DECIDE_USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, DECIDE_USAGE);
  const required = (name: keyof typeof OPTIONS) => {
    const value = stringOption(parsed, name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required`, DECIDE_USAGE);
    return value;
  };
  const resource = required('resource');
  const kind = required('kind');
  if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${RESOURCE_KINDS.join(', ')}, not ${JSON.stringify(kind)}`, DECIDE_USAGE);
  }
  const operationFile = required('operation');
  const token = stringOption(parsed, 'token') ?? process.env.TASKGATE_TOKEN;
  if (token === undefined || token === '') throw new UsageError('--token is required (or set TASKGATE_TOKEN)', DECIDE_USAGE);
  const address = stringOption(parsed, 'decider') ?? DEFAULT_DECIDER_ADDRESS;

  const operationJson = await readOperation(operationFile, io);
  if (operationJson === undefined) return EXIT_FAILURE;

  const client = connectDecider(address);
  try {
    const session = await client.openSession({ credential: token, resource, kind, source_ip: '', shim_id: 'taskgate-decide' }, CALL_TIMEOUT_MS);
    try {
      const decision = await client.decide({ request_id: '1', session_id: session.session_id, operation_json: operationJson }, CALL_TIMEOUT_MS);
      io.stdout(JSON.stringify(printable(decision, session), null, 2) + '\n');
      return EXIT_OK;
    } finally {
      await client.closeSession(session.session_id).catch(() => undefined);
    }
  } catch (e) {
    if (!(e instanceof DeciderCallError)) throw e;
    io.stderr(`taskgate: the decider at ${address} refused: ${e.reason || `gRPC status ${e.grpcCode}`}: ${e.message}\n`);
    return EXIT_FAILURE;
  } finally {
    client.close();
  }
}

async function readOperation(file: string, io: Io): Promise<string | undefined> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`taskgate: cannot read ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
  try {
    JSON.parse(text);
  } catch (e) {
    io.stderr(`taskgate: ${file} is not JSON: ${(e as Error).message}\n`);
    return undefined;
  }
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function printable(decision: DecisionMessage, session: OpenSessionResponse): Record<string, unknown> {
  const out: Record<string, unknown> = {
    verdict: decision.verdict,
    reasons: decision.reasons,
    mask: decision.masks_json === '' ? [] : JSON.parse(decision.masks_json),
  };
  if (decision.approval_json !== '') out.approval = JSON.parse(decision.approval_json);
  out.audit_seq = Number(decision.audit_seq);
  out.policy_revision = decision.policy_revision;
  out.identity = JSON.parse(session.identity_json);
  if (session.task_json !== '') out.task = JSON.parse(session.task_json);
  return out;
}
