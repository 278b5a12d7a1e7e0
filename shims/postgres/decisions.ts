// Asking the decider about a session's statements. Every failure (decider down, an error answer, an unknown
// verdict) becomes a deny that says why: no statement runs without an allow. A statement the policy holds for
// approval waits here (shims/approval-hold.ts) and is asked about again once approved.
import { status } from '@grpc/grpc-js';
import { DeciderCallError, type DeciderClient, type DecisionStream } from '../../decider/server/client.js';
import type { DecideRequest, DecisionMessage } from '../../decider/server/proto.js';
import { holdForApproval, WatchRefused, type ApprovalWatcher, type HoldNotice, type PendingApproval } from '../approval-hold.js';
import { statementAction } from './analyze/action.js';
import type { PostgresOperation, StatementDescription } from './analyze/operation.js';

export type Verdict = 'allow' | 'deny' | 'mask' | 'require_approval';

export interface MaskRule {
  readonly table: string;
  readonly column: string;
  readonly method: string;
}

/** The approvals a decision names. A decision that names any must never be cached: each is good for its own run. */
export interface DecisionApprovals {
  /**
   * Per statement of the operation, in order: the approval the decider named, '' for none. For require_approval
   * the request it waits on, for an allow the approval it used. A re-ask names them again.
   */
  readonly ids: readonly string[];
  /** The requests a require_approval decision waits on. */
  readonly pending: readonly PendingApproval[];
}

export interface Decision {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly masks: readonly MaskRule[];
  readonly approvals?: DecisionApprovals;
}

/**
 * A value bound to a placeholder, as the approval binds it: text as a string, NULL as null, and bytes that are not
 * UTF-8 text (binary format, or invalid text) in base64 with their format, so that no two values look the same.
 */
export type ParameterValue = string | null | { readonly format: 'text' | 'binary'; readonly base64: string };

/** What a decision is asked with besides the operation. */
export interface Ask {
  /** The values bound to the statement's placeholders; the approval is bound to them. */
  readonly parameters?: readonly ParameterValue[];
  /** Per statement, the approvals a re-ask names (DecisionApprovals.ids). */
  readonly approvalIds?: readonly string[];
}

/** How a held statement ended: the re-asked decision (which alone says whether it runs), or why it does not run. */
export interface HeldOutcome {
  readonly decision: Decision;
  /** The client cancelled or went away while it waited. */
  readonly cancelled: boolean;
}

const SEVERITY: Record<Verdict, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };
const DECIDE_TIMEOUT_MS = 5_000;

export function denied(reason: string, more: readonly string[] = []): Decision {
  return { verdict: 'deny', reasons: [reason, ...more], masks: [] };
}

/** The worst verdict wins; reasons and masks of every part are kept, the worst verdict's reasons first. */
export function worstOf(decisions: readonly Decision[]): Decision {
  const ordered = [...decisions].sort((a, b) => SEVERITY[b.verdict] - SEVERITY[a.verdict]);
  const worst = ordered[0] ?? denied('no statement was decided');
  const reasons = worst.verdict === 'allow' ? ordered.flatMap((d) => d.reasons) : ordered.filter((d) => d.verdict === worst.verdict).flatMap((d) => d.reasons);
  return { verdict: worst.verdict, reasons: [...new Set(reasons)], masks: ordered.flatMap((d) => d.masks) };
}

/**
 * One DecideStream per session, opened again after it broke (a decider restart), so a session outlives an outage
 * of the decider: its statements are denied while the decider is down and decided again once it is back. A decider
 * that restarted has forgotten the session, so the channel opens a new one with the client's credential.
 */
export class DecisionChannel {
  private stream: DecisionStream | undefined;
  private currentSessionId: string;
  private renewing: Promise<string> | undefined;
  private readonly watcher: ApprovalWatcher;

  constructor(
    private readonly client: DeciderClient,
    sessionId: string,
    /** Opens a new decider session for the same client (OpenSession with its credential again). */
    private readonly reopen: () => Promise<string>,
  ) {
    this.currentSessionId = sessionId;
    this.watcher = approvalWatcherOf(client);
  }

  get sessionId(): string {
    return this.currentSessionId;
  }

  /** Decides each statement of the operation on its own (so each has its audit record); the worst verdict wins. */
  async decide(operation: PostgresOperation, ask: Ask = {}): Promise<Decision> {
    const parts = await Promise.all(
      operation.statements.map((statement, index) => this.decideStatement(operation, statement, ask, ask.approvalIds?.[index] ?? '')),
    );
    const decision = worstOf(parts.map((p) => p.decision));
    const ids = parts.map((p) => p.approvalId);
    if (ids.every((id) => id === '')) return decision;
    const pending = parts.flatMap((p) => (p.pending === undefined ? [] : [p.pending]));
    return { ...decision, approvals: { ids, pending } };
  }

  /**
   * Holds a require_approval decision: tells the client (`notify`), waits up to `waitMs` for the requests to be
   * decided, then asks again naming them, with the same parameters. Never throws; every refusal is a deny.
   */
  async awaitApproval(
    operation: PostgresOperation,
    held: Decision,
    wait: { readonly ask: Ask; readonly waitMs: number; readonly signal: AbortSignal; notify(notice: HoldNotice): void },
  ): Promise<HeldOutcome> {
    const approvals = held.approvals;
    const outcome = await holdForApproval(this.watcher, {
      approvals: approvals?.pending ?? [],
      sessionId: () => this.currentSessionId,
      waitMs: wait.waitMs,
      signal: wait.signal,
      notify: wait.notify,
      redecide: () => this.decide(operation, { ...wait.ask, approvalIds: approvals?.ids ?? [] }),
    });
    if (outcome.kind === 'cancelled') return { decision: denied(outcome.reason), cancelled: true };
    if (outcome.kind === 'refused') return { decision: denied(outcome.reason), cancelled: false };
    const again = outcome.decision;
    if (again.verdict !== 'require_approval') return { decision: again, cancelled: false };
    const ids = (approvals?.pending ?? []).map((a) => a.id).join(', ');
    return { decision: denied(`approval ${ids} was granted, but asked again the decider still holds the statement`, again.reasons), cancelled: false };
  }

  end(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  private async decideStatement(
    operation: PostgresOperation,
    statement: StatementDescription,
    ask: Ask,
    approvalId: string,
  ): Promise<{ decision: Decision; approvalId: string; pending?: PendingApproval }> {
    const document = {
      kind: 'postgres',
      action: statementAction(statement),
      postgres: { text: operation.text, fingerprint: operation.fingerprint, statements: [statement] },
    };
    const request: Omit<DecideRequest, 'request_id' | 'session_id'> = {
      operation_json: JSON.stringify(document),
      approval_id: approvalId,
      parameters_json: ask.parameters === undefined || ask.parameters.length === 0 ? '' : JSON.stringify(ask.parameters),
    };
    let answer: DecisionMessage;
    try {
      const sessionId = this.currentSessionId;
      answer = await this.send(request, sessionId);
      // A decider that restarted does not know the session any more: open a new one and ask there.
      if (answer.error_code === 'unknown_session') answer = await this.send(request, await this.renewSession(sessionId));
    } catch (e) {
      return { decision: denied(`the decider is unavailable, so nothing runs: ${(e as Error).message}`), approvalId: '' };
    }
    if (answer.error_code !== '') {
      return { decision: denied(`the decider could not decide: ${answer.error_message || answer.error_code}`), approvalId: '' };
    }
    const decision = toDecision(answer.verdict, answer.reasons, answer.masks_json);
    const named = answer.approval_id;
    if (decision.verdict !== 'require_approval') return { decision, approvalId: named };
    if (named === '') return { decision: denied('the decider held this statement without naming an approval request', decision.reasons), approvalId: '' };
    return { decision, approvalId: named, pending: pendingApproval(named, decision.reasons, answer.approval_json) };
  }

  /**
   * Sends on the session's stream. A stream that broke since its last use (the decider restarted) is replaced and
   * the request sent again once; a fresh stream that fails is the decider being down.
   */
  private async send(request: Omit<DecideRequest, 'request_id' | 'session_id'>, sessionId: string): Promise<DecisionMessage> {
    const fresh = this.stream === undefined;
    const stream = (this.stream ??= this.client.stream());
    try {
      return await withTimeout(stream.decide({ ...request, session_id: sessionId }));
    } catch (e) {
      if (this.stream === stream) {
        this.stream = undefined;
        stream.end();
      }
      if (fresh || e instanceof DecideTimeout) throw e;
      return this.send(request, sessionId);
    }
  }

  /** One OpenSession for all the statements that found the session `stale` unknown. */
  private renewSession(stale: string): Promise<string> {
    if (this.currentSessionId !== stale) return Promise.resolve(this.currentSessionId);
    this.renewing ??= this.reopen()
      .then((id) => (this.currentSessionId = id))
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }
}

/** WatchApproval as the hold uses it: aborting the signal cancels the call (which withdraws a pending request). */
function approvalWatcherOf(client: DeciderClient): ApprovalWatcher {
  return {
    async watchApproval(approvalId, sessionId, signal) {
      const watch = client.watchApproval({ approval_id: approvalId, session_id: sessionId });
      const cancel = () => watch.cancel();
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
      try {
        return await watch.answer;
      } catch (e) {
        if (e instanceof DeciderCallError && e.grpcCode === status.UNIMPLEMENTED) throw new WatchRefused('this decider does not serve approvals');
        throw e;
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
  };
}

/** What a require_approval answer's approval_json (the pending request) says the request waits for. */
function pendingApproval(id: string, reasons: readonly string[], approvalJson: string): PendingApproval {
  let request: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(approvalJson);
    if (typeof parsed === 'object' && parsed !== null) request = parsed as Record<string, unknown>;
  } catch {
    // The hold still works without the details; the notice then says less about who may approve.
  }
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    id,
    reasons: reasons.filter((r) => !r.startsWith(`approval ${id} is pending`)),
    approvers: strings(request.approvers),
    min: typeof request.min === 'number' ? request.min : 1,
    scope: typeof request.scope === 'string' ? request.scope : 'once',
    ...(typeof request.expires_at === 'string' ? { expiresAt: request.expires_at } : {}),
  };
}

function toDecision(verdict: string, reasons: readonly string[], masksJson: string): Decision {
  if (!Object.hasOwn(SEVERITY, verdict)) return denied(`the decider answered an unknown verdict ${JSON.stringify(verdict)}`);
  let masks: MaskRule[] = [];
  if (masksJson !== '') {
    try {
      masks = parseMasks(JSON.parse(masksJson));
    } catch (e) {
      return denied(`the decision's mask list is unreadable: ${(e as Error).message}`);
    }
  }
  if (verdict === 'deny' && reasons.length === 0) return denied('the policy denied this statement without a reason');
  return { verdict: verdict as Verdict, reasons, masks };
}

function parseMasks(value: unknown): MaskRule[] {
  if (!Array.isArray(value)) throw new Error('not a list');
  return value.map((entry: unknown) => {
    const { table, column, method } = (entry ?? {}) as Record<string, unknown>;
    if (typeof table !== 'string' || typeof column !== 'string' || typeof method !== 'string') throw new Error(`bad entry ${JSON.stringify(entry)}`);
    return { table, column, method };
  });
}

/** A decider that holds the stream but does not answer: asking again would only wait again. */
class DecideTimeout extends Error {
  override name = 'DecideTimeout';
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DecideTimeout(`no answer within ${DECIDE_TIMEOUT_MS} ms`)), DECIDE_TIMEOUT_MS);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e as Error)),
    );
  });
}
