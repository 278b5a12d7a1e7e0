// `taskgate approvals ls`, `taskgate approve ID`, `taskgate deny ID`: act on just-in-time approval requests
// straight in the data directory, so they work beside a running decider (which sees the decision at once through
// the shared store) or without one.
import { dirname } from 'node:path';
import { ApprovalService } from '../decider/approvals/approvals.js';
import { loadApproverPolicy } from '../decider/approvals/approver-policy.js';
import { ApprovalError, type Approval } from '../decider/approvals/types.js';
import { ConfigError, defaultConfig, loadConfigFile, type TaskgateConfig } from '../decider/config.js';
import { PolicyLoadError, type PolicySource } from '../decider/engine/policy-source.js';
import { IdentityError } from '../decider/identity/errors.js';
import { validateIdentityConfig } from '../decider/identity/config.js';
import { loadSigningKey } from '../decider/identity/keys.js';
import { createCredentialVerifier } from '../decider/identity/verify.js';
import type { Store } from '../decider/store/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, stringOption, UsageError, type Io, type Options, type Parsed } from './args.js';
import { CommandFailure, DATA_DIR_HELP, DATA_DIR_OPTIONS, dataDirOf, expectedFailureMessage, withExistingStore } from './data-dir.js';
import { formatTable } from './table.js';

export const APPROVALS_SUMMARY = 'list just-in-time approval requests';
export const APPROVE_SUMMARY = 'approve a held operation';
export const DENY_SUMMARY = 'deny a held operation';

const LS_USAGE = `Usage: taskgate approvals ls [--pending] [--json] [--data-dir DIR]

Lists approval requests, newest first: id, status, who asked, resource, what for, and who approved.

Options:
      --pending          only requests still waiting for a decision
      --json             print a JSON array instead of a table
${DATA_DIR_HELP}`;

const POLICY_HELP = `      --config FILE      taskgate.yaml: trusted OIDC issuers for --token, and the policies
      --policies DIR     the policy directory that defines data.taskgate.approve (default policies/)
      --bundle FILE      or a bundle built with -e taskgate/approve`;

function voteUsage(verb: 'approve' | 'deny'): string {
  return `Usage: taskgate ${verb} ID --token TOKEN [--reason TEXT] [--config FILE] [--policies DIR | --bundle FILE]
                        [--data-dir DIR]

${verb === 'approve' ? 'Approves' : 'Denies'} the request ID as the person the token names. data.taskgate.approve decides who may;
nobody may ${verb} a request they made themselves.

Options:
      --token TOKEN      your credential: an OIDC ID token from a trusted issuer, or a task token
      --reason TEXT      why, kept in the audit log
${POLICY_HELP}
${DATA_DIR_HELP}`;
}

const VOTE_OPTIONS: Options = {
  token: { type: 'string' },
  reason: { type: 'string' },
  config: { type: 'string' },
  policies: { type: 'string' },
  bundle: { type: 'string' },
  ...DATA_DIR_OPTIONS,
};

/** `taskgate approvals ls ...` */
export async function approvalsCommand(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(LS_USAGE + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name !== 'ls') throw new UsageError(`unknown command "approvals ${name}"`, LS_USAGE);
  const parsed = parseCommandLine(rest, { pending: { type: 'boolean' }, json: { type: 'boolean' }, ...DATA_DIR_OPTIONS }, LS_USAGE);
  if (parsed.help) {
    io.stdout(LS_USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, LS_USAGE);
  return reported(io, async () => {
    const approvals = await withExistingStore(dataDirOf(parsed), (store) =>
      listingService(store).list({ pending: parsed.values.pending === true }),
    );
    io.stdout(parsed.values.json === true ? JSON.stringify(approvals.map(approvalJson), null, 2) + '\n' : approvalsTable(approvals));
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
  const parsed = parseCommandLine(argv, VOTE_OPTIONS, usage);
  if (parsed.help) {
    io.stdout(usage + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`give exactly one approval id`, usage);
  const id = parsed.positionals[0];
  const token = stringOption(parsed, 'token');
  if (token === undefined || token === '') throw new UsageError('--token is required: approvals are made by a verified person', usage);
  const reason = stringOption(parsed, 'reason');
  if (reason !== undefined && /[\u0000-\u001f\u007f]/.test(reason)) throw new UsageError('--reason must be one line of text', usage);
  if (stringOption(parsed, 'policies') !== undefined && stringOption(parsed, 'bundle') !== undefined) {
    throw new UsageError('give --policies or --bundle, not both', usage);
  }
  return reported(io, async () => {
    const config = await configOf(parsed);
    const dataDir = stringOption(parsed, 'data-dir') ?? config.decider.dataDir;
    return withExistingStore(dataDir, async (store) => {
      const approver = await verifiedApprover(token, config, dataDir, store);
      const service = new ApprovalService({ store, approverPolicy: await loadApproverPolicy(policySourceOf(parsed, config)) });
      const approval = verb === 'approve' ? await service.approve(id, approver, reason) : await service.deny(id, approver, reason);
      io.stdout(outcomeLine(verb, approver.subject, approval) + '\n');
      return EXIT_OK;
    });
  });
}

/** Listing needs no policy: it never asks who may approve. */
function listingService(store: Store): ApprovalService {
  return new ApprovalService({ store });
}

async function configOf(parsed: Parsed): Promise<TaskgateConfig> {
  const file = stringOption(parsed, 'config');
  if (file === undefined) return defaultConfig();
  try {
    return await loadConfigFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new CommandFailure(e.message);
    throw e;
  }
}

function policySourceOf(parsed: Parsed, config: TaskgateConfig): PolicySource {
  const bundle = stringOption(parsed, 'bundle');
  if (bundle !== undefined) return { kind: 'bundle', path: bundle };
  const policies = stringOption(parsed, 'policies');
  if (policies !== undefined) return { kind: 'directory', path: policies };
  return config.decider.bundle !== undefined
    ? { kind: 'bundle', path: config.decider.bundle }
    : { kind: 'directory', path: config.decider.policies };
}

/** The token is verified exactly as the decider verifies a client's: same issuers, same task-token key. */
async function verifiedApprover(token: string, config: TaskgateConfig, dataDir: string, store: Store) {
  const baseDir = config.origin === 'defaults' ? process.cwd() : dirname(config.origin);
  const settings = validateIdentityConfig(config.identity, { baseDir });
  const taskKey = await loadSigningKey(dataDir).catch((e: unknown) => {
    if (e instanceof IdentityError && e.code === 'signing_key_unavailable') return undefined;
    throw e;
  });
  const verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
  return (await verifier.verifyCredential(token)).identity;
}

async function reported(io: Io, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    const message =
      err instanceof ApprovalError || err instanceof PolicyLoadError ? `taskgate: ${err.message}` : expectedFailureMessage(err);
    if (message === undefined) throw err;
    io.stderr(message + '\n');
    return EXIT_FAILURE;
  }
}

function outcomeLine(verb: 'approve' | 'deny', subject: string, approval: Approval): string {
  const { status, approvedBy } = approval.state;
  if (verb === 'deny') return `${approval.id} denied by ${subject}; the operation stays refused`;
  if (status === 'approved') {
    return `${approval.id} approved (${approvedBy.join(', ')}); usable until ${approval.state.usableUntil} (${approval.scope})`;
  }
  return `${approval.id}: approval by ${subject} recorded, ${approvedBy.length} of ${approval.min} needed`;
}

function approvalsTable(approvals: readonly Approval[]): string {
  if (approvals.length === 0) return 'no approval requests\n';
  const rows = approvals.map((a) => [
    a.id,
    a.state.status,
    a.requester.subject,
    a.taskName ?? '-',
    a.resource,
    a.reasons.join('; '),
    `${a.state.approvedBy.length}/${a.min}`,
    a.createdAt,
  ]);
  return formatTable(['ID', 'STATUS', 'REQUESTER', 'TASK', 'RESOURCE', 'WHY', 'APPROVALS', 'CREATED'], rows);
}

function approvalJson(approval: Approval) {
  return {
    id: approval.id,
    status: approval.state.status,
    requester: approval.requester,
    task: approval.taskId ? { id: approval.taskId, name: approval.taskName } : undefined,
    resource: approval.resource,
    session_id: approval.sessionId,
    operation: approval.operation,
    reasons: approval.reasons,
    approvers: approval.approvers,
    min: approval.min,
    scope: approval.scope,
    ttl_seconds: approval.ttlSeconds,
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    approved_by: approval.state.approvedBy,
    denied_by: approval.state.deniedBy,
    usable_until: approval.state.usableUntil,
    events: approval.events,
  };
}
