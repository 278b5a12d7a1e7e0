/**
 * Just-in-time approvals, independent of any protocol: the decider calls this when a policy answers
 * `require_approval`, shims wait on it, and approvers act on it from the CLI or over gRPC.
 *
 *   const approvals = new ApprovalService({ store, approverPolicy, notifier });
 *   // deciding: put the matching approval (if any) in the input, then act on the verdict
 *   input.approval = await approvals.inputFor(ctx);
 *   if (verdict === 'require_approval' && input.approval?.status !== 'pending') id = (await approvals.request(ctx, decision)).id;
 *   if ((verdict === 'allow' || verdict === 'mask') && input.approval?.status === 'approved') await approvals.consume(input.approval.id, use);
 *   // a shim holding the operation
 *   const outcome = await approvals.waitFor(id, signal);   // resolves the moment it is decided or expires
 *
 * Every change is an event committed with its audit record (decider/store/approvals.ts); the service holds no
 * state of its own beyond who is waiting, so a restarted decider carries on where the last one stopped.
 * Refusals throw ApprovalError with a stable code and a message for the person who acted.
 */
import { EventEmitter } from 'node:events';
import { StoreError, type ApprovalRecord, type ApprovalStore, type ApprovalTransition, type AuditLog, type JsonValue } from '../store/index.js';
import { newSortableId } from '../ids.js';
import type { ApproverPolicy } from './approver-policy.js';
import { operationFingerprint } from './fingerprint.js';
import { approvalState } from './state.js';
import {
  ApprovalError,
  type Approval,
  type ApprovalIdentity,
  type InputApproval,
  type OperationContext,
  type RequiredApproval,
} from './types.js';

/** Told about each new request and each final outcome; must not block or throw (see webhook.ts). */
export interface ApprovalNotifier {
  notify(event: 'requested' | 'decided', approval: Approval): void;
}

export interface ApprovalServiceOptions {
  /** Requests and their events, and the audit log, where refused votes are recorded too. */
  readonly store: ApprovalStore & Pick<AuditLog, 'append'>;
  /** Who may approve; without it every vote is refused (a service that only lists, waits and consumes). */
  readonly approverPolicy?: ApproverPolicy;
  readonly notifier?: ApprovalNotifier;
  /** Default: the system clock. Tests pin it. */
  readonly clock?: () => Date;
  /**
   * How often a waiter re-reads the store, so that a decision taken by another decider (or the CLI) sharing it
   * is seen without an in-process event. Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
  /**
   * Whether the session that asked for a request (at `askedAt`) is gone for good: sessions live in a decider's
   * memory, so a restart ends them while their requests live on. A `once` approval asked in such a session is
   * admitted in the session whose re-ask names it, so the client held across the restart gets its one run.
   * Default: never (a `once` approval is used only in the session that asked).
   */
  readonly sessionEnded?: (sessionId: string, askedAt: string) => boolean;
}

/** Who runs an approved operation, checked against the request before it is admitted. */
export interface ApprovalUse {
  readonly sessionId: string;
  readonly fingerprint: string;
  readonly subject: string;
  readonly taskId?: string;
  /** The re-ask named this approval (OperationContext.approvalId). */
  readonly named?: boolean;
}

/** A session, as far as deciding whether it speaks for the one that asked for a request. */
export interface ApprovalAsker {
  readonly sessionId: string;
  readonly subject: string;
  readonly issuer: string;
  readonly taskId?: string;
}

/** The actor recorded for what taskgate itself does (expiry). */
const SYSTEM_ACTOR = 'taskgate';

export class ApprovalService {
  private readonly decided = new EventEmitter();
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    // One listener per waiting client; thousands of held statements are normal, not a leak.
    this.decided.setMaxListeners(0);
  }

  /** The fingerprint that binds an approval to this operation. */
  fingerprintOf(ctx: OperationContext): string {
    return operationFingerprint(ctx.resource, ctx.operation, ctx.parameters);
  }

  /** Records a request for the operation with what the policy asked for, and announces it. */
  async request(ctx: OperationContext, required: RequiredApproval): Promise<Approval> {
    const now = this.clock();
    const { approvers, min, ttl_seconds: ttlSeconds, scope } = required.approval;
    const operation = ctx.operation as Record<string, JsonValue>;
    const record: ApprovalRecord = {
      id: newSortableId('apr', now),
      fingerprint: this.fingerprintOf(ctx),
      sessionId: ctx.sessionId,
      requester: { subject: ctx.identity.subject, issuer: ctx.identity.issuer, groups: [...ctx.identity.groups] },
      ...(ctx.task ? { taskId: ctx.task.id, taskName: ctx.task.name } : {}),
      resource: ctx.resource,
      operation: ctx.operation,
      ...(ctx.parameters === undefined ? {} : { parameters: [...ctx.parameters] }),
      operationKind: typeof operation.kind === 'string' ? operation.kind : 'unknown',
      ...(typeof operation.action === 'string' ? { operationAction: operation.action } : {}),
      approvers: [...approvers],
      min,
      ttlSeconds,
      scope,
      reasons: [...required.reasons],
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
      events: [],
    };
    try {
      await this.options.store.createApproval(record);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'invalid_record') throw new ApprovalError('invalid_request', err.message);
      throw err;
    }
    const approval = this.view(record, now);
    this.options.notifier?.notify('requested', approval);
    return approval;
  }

  /** The request as it stands now; a deadline that has passed is recorded as expiry first. */
  async get(id: string): Promise<Approval | undefined> {
    const record = await this.options.store.getApproval(id);
    return record && this.settle(record);
  }

  /** The most recent requests, newest first; `pending` keeps only those still waiting for a decision. */
  async list(options: { pending?: boolean; limit?: number } = {}): Promise<Approval[]> {
    const records = await this.options.store.listApprovals(options.limit);
    const approvals = await Promise.all(records.map((r) => this.settle(r)));
    return options.pending ? approvals.filter((a) => a.state.status === 'pending') : approvals;
  }

  /**
   * Records the expiry of every recent request whose time has run out, so that the audit log and the webhook tell
   * of it even when nobody looks at the request again. The decider runs this every few seconds.
   */
  async expireDue(limit = 1000): Promise<Approval[]> {
    const now = this.clock();
    const records = await this.options.store.listApprovals(limit);
    const due = records.filter((r) => approvalState(r, now).status === 'expired' && !r.events.some((e) => e.action === 'expired'));
    return Promise.all(due.map((r) => this.settle(r)));
  }

  approve(id: string, approver: ApprovalIdentity, reason?: string): Promise<Approval> {
    return this.vote('approved', id, approver, reason);
  }

  deny(id: string, approver: ApprovalIdentity, reason?: string): Promise<Approval> {
    return this.vote('denied', id, approver, reason);
  }

  /** The client that asked went away: the request can never be used, so it is closed for good. */
  async withdraw(id: string, reason = 'the client disconnected while waiting'): Promise<Approval> {
    return this.transition(id, (current, now) => {
      const { status } = approvalState(current, now);
      if (status !== 'pending') return { refuse: `approval ${id} is ${status}, so it cannot be withdrawn` };
      return { event: { action: 'withdrawn', actor: current.requester.subject, reason, at: now.toISOString() } };
    });
  }

  /**
   * `input.approval` for this operation: the request the re-ask names, else the newest, for the same resource and
   * fingerprint by the same identity and task (and, for `once`, the same session, or its successor after a
   * restart) that is still pending, approved, or denied within its time. Expired, withdrawn and used requests do
   * not count, so the policy asks for a new one.
   */
  async inputFor(ctx: OperationContext): Promise<InputApproval | undefined> {
    const now = this.clock();
    const found = await this.options.store.findApprovals(ctx.resource, this.fingerprintOf(ctx));
    // The approval a re-ask names comes first: a newer request for the same operation must not hide it.
    const candidates = [...found.filter((r) => r.id === ctx.approvalId), ...found.filter((r) => r.id !== ctx.approvalId)];
    for (const record of candidates) {
      if (!sameRequester(record, ctx.identity.subject, ctx.identity.issuer, ctx.task?.id)) continue;
      if (!this.sessionMayUse(record, ctx.sessionId, ctx.approvalId === record.id)) continue;
      const state = approvalState(record, now);
      if (state.status === 'pending' || state.status === 'approved') {
        return { id: record.id, status: state.status, approved_by: state.approvedBy };
      }
      if (state.status === 'denied' && now.getTime() < Date.parse(record.expiresAt)) {
        return { id: record.id, status: 'rejected', approved_by: state.approvedBy };
      }
    }
    return undefined;
  }

  /**
   * Admits one run of the approved operation, recording it. A `once` approval then becomes `used`; a `window`
   * approval stays usable by the same identity and task until its time ends. Throws ApprovalError when the
   * approval cannot admit this run; the decider must then deny the operation.
   */
  async consume(id: string, use: ApprovalUse): Promise<Approval> {
    return this.transition(id, (current, now) => {
      const { status } = approvalState(current, now);
      if (status !== 'approved') return { refuse: `approval ${id} is ${status}, not approved, so it admits nothing` };
      if (current.fingerprint !== use.fingerprint) return { refuse: `approval ${id} is for a different operation` };
      if (!sameRequester(current, use.subject, current.requester.issuer, use.taskId)) {
        return { refuse: `approval ${id} was asked for by ${current.requester.subject} for another task` };
      }
      if (!this.sessionMayUse(current, use.sessionId, use.named === true)) {
        return { refuse: `approval ${id} admits one run in session ${current.sessionId}, not in ${use.sessionId}` };
      }
      return { event: { action: 'used', actor: use.subject, sessionId: use.sessionId, at: now.toISOString() } };
    });
  }

  /**
   * Whether a session speaks for the one that asked for the request: it is that session, or, after a decider
   * restart ended the asking session, a session of the same identity and task that names the request.
   */
  isAsker(record: ApprovalRecord, session: ApprovalAsker): boolean {
    if (record.sessionId === session.sessionId) return true;
    return sameRequester(record, session.subject, session.issuer, session.taskId) && this.succeeds(record, session.sessionId, true);
  }

  /** `sessionId` is the asking session, or names the request and the asking session ended with a restart. */
  private succeeds(record: ApprovalRecord, sessionId: string, named: boolean): boolean {
    if (record.sessionId === sessionId) return true;
    return named && (this.options.sessionEnded?.(record.sessionId, record.createdAt) ?? false);
  }

  /** A `window` approval serves any session of its identity and task; a `once` approval only the asker's. */
  private sessionMayUse(record: ApprovalRecord, sessionId: string, named: boolean): boolean {
    return record.scope === 'window' || this.succeeds(record, sessionId, named);
  }

  /**
   * Resolves with the request once it is no longer pending: at once when another part of this process decides
   * it, within the poll interval when another process does, and at its deadline when nobody does (it is then
   * recorded as expired). Rejects with the signal's reason when the signal aborts; withdrawing the request is
   * then the caller's call.
   */
  async waitFor(id: string, signal?: AbortSignal): Promise<Approval> {
    for (;;) {
      signal?.throwIfAborted();
      const approval = await this.get(id);
      if (!approval) throw new ApprovalError('approval_not_found', `no approval ${id}`);
      if (approval.state.status !== 'pending') return approval;
      const untilDeadline = Date.parse(approval.expiresAt) - this.clock().getTime();
      await this.nextChange(id, Math.max(0, Math.min(untilDeadline, this.pollIntervalMs)), signal);
    }
  }

  private nextChange(id: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.decided.off(id, done);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        done();
        reject(signal!.reason);
      };
      const timer = setTimeout(done, timeoutMs);
      this.decided.on(id, done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Every vote is audited: a counted one as its event, a refused one as a `refused` record saying why. */
  private async vote(action: 'approved' | 'denied', id: string, approver: ApprovalIdentity, reason?: string): Promise<Approval> {
    try {
      return await this.countVote(action, id, approver, reason);
    } catch (err) {
      if (err instanceof ApprovalError) await this.auditRefusal(action, id, approver, err);
      throw err;
    }
  }

  private async auditRefusal(action: 'approved' | 'denied', id: string, approver: ApprovalIdentity, refusal: ApprovalError): Promise<void> {
    const record = await this.options.store.getApproval(id);
    await this.options.store.append({
      kind: 'approval',
      approvalId: id,
      action: 'refused',
      actor: approver.subject,
      reason: `${action === 'approved' ? 'approve' : 'deny'} refused (${refusal.code}): ${refusal.message}`,
      ...(record === undefined
        ? {}
        : {
            sessionId: record.sessionId,
            subject: record.requester.subject,
            issuer: record.requester.issuer,
            ...(record.taskId === undefined ? {} : { taskId: record.taskId, taskName: record.taskName }),
            resource: record.resource,
            operationKind: record.operationKind,
            ...(record.operationAction === undefined ? {} : { operationAction: record.operationAction }),
          }),
    });
  }

  private async countVote(action: 'approved' | 'denied', id: string, approver: ApprovalIdentity, reason?: string): Promise<Approval> {
    const verb = action === 'approved' ? 'approve' : 'deny';
    const before = await this.get(id);
    if (!before) throw new ApprovalError('approval_not_found', `no approval ${id}`);
    if (before.requester.subject === approver.subject) {
      throw new ApprovalError('self_approval', `${approver.subject} asked for approval ${id}, so they cannot ${verb} it: someone else must`);
    }
    if (before.state.status !== 'pending') {
      throw new ApprovalError('approval_final', `approval ${id} is already ${before.state.status}`);
    }
    if (before.state.approvedBy.includes(approver.subject)) {
      throw new ApprovalError('already_voted', `${approver.subject} already approved ${id}; it needs ${before.min} different people`);
    }
    const policy = this.options.approverPolicy;
    const verdict = policy
      ? policy.decide({ approver, request: requestDocument(before), now: this.clock().toISOString() })
      : { allowed: false, reasons: ['no approve policy is loaded here'] };
    if (!verdict.allowed) {
      throw new ApprovalError(
        'approver_not_allowed',
        `${approver.subject} may not ${verb} approval ${id}: ${verdict.reasons.join('; ') || 'the approve policy does not allow it'}`,
      );
    }
    return this.transition(id, (current, now) => {
      const state = approvalState(current, now);
      // Checked again under the write lock: the request may have moved since it was read above.
      if (state.status !== 'pending') return { refuse: `approval ${id} is already ${state.status}` };
      if (state.approvedBy.includes(approver.subject)) return { refuse: `${approver.subject} already approved ${id}` };
      return { event: { action, actor: approver.subject, ...(reason ? { reason } : {}), at: now.toISOString() } };
    });
  }

  /** Commits one event; a refusal becomes ApprovalError, and a change to a final or approved state is announced. */
  private async transition(
    id: string,
    decide: (current: ApprovalRecord, now: Date) => ApprovalTransition,
  ): Promise<Approval> {
    const now = this.clock();
    let record: ApprovalRecord;
    try {
      record = await this.options.store.recordApprovalEvent(id, (current) => decide(current, now));
    } catch (err) {
      if (err instanceof StoreError && err.code === 'approval_not_found') throw new ApprovalError('approval_not_found', err.message);
      if (err instanceof StoreError && err.code === 'approval_refused') throw new ApprovalError('approval_final', err.message);
      throw err;
    }
    const approval = this.view(record, now);
    this.announce(approval, record.events[record.events.length - 1].action === 'used');
    return approval;
  }

  /** Wakes waiters whenever the request stops being pending; tells the notifier once, when it is decided. */
  private announce(approval: Approval, wasUse: boolean): void {
    if (approval.state.status === 'pending') return;
    this.decided.emit(approval.id, approval);
    if (!wasUse) this.options.notifier?.notify('decided', approval);
  }

  /** Records expiry that the clock has reached but no event says yet, so the audit log tells of it. */
  private async settle(record: ApprovalRecord): Promise<Approval> {
    const now = this.clock();
    const state = approvalState(record, now);
    const recorded = record.events.some((e) => e.action === 'expired');
    if (state.status !== 'expired' || recorded) return this.view(record, now);
    try {
      return await this.transition(record.id, (current, at) =>
        approvalState(current, at).status === 'expired' && !current.events.some((e) => e.action === 'expired')
          ? { event: { action: 'expired', actor: SYSTEM_ACTOR, reason: expiryReason(current, at), at: at.toISOString() } }
          : { refuse: 'already settled' },
      );
    } catch (err) {
      // Another process recorded it first: read what it wrote.
      if (err instanceof ApprovalError) return this.view((await this.options.store.getApproval(record.id)) ?? record, now);
      throw err;
    }
  }

  private view(record: ApprovalRecord, now: Date): Approval {
    return { ...record, state: approvalState(record, now) };
  }
}

function sameRequester(record: ApprovalRecord, subject: string, issuer: string, taskId: string | undefined): boolean {
  return record.requester.subject === subject && record.requester.issuer === issuer && record.taskId === taskId;
}

function expiryReason(record: ApprovalRecord, now: Date): string {
  return approvalState(record, now).approvedAt === undefined
    ? `nobody decided within ${record.ttlSeconds}s`
    : `the approval was not used within ${record.ttlSeconds}s of being granted`;
}

/** `input.request` of `data.taskgate.approve`: the request as approvers and the approve policy see it. */
export function requestDocument(approval: ApprovalRecord): JsonValue {
  return {
    id: approval.id,
    requester: { subject: approval.requester.subject, issuer: approval.requester.issuer, groups: [...approval.requester.groups] },
    ...(approval.taskId ? { task: { id: approval.taskId, name: approval.taskName ?? '' } } : {}),
    resource: approval.resource,
    operation: approval.operation,
    ...(approval.parameters === undefined ? {} : { parameters: [...approval.parameters] }),
    approvers: [...approval.approvers],
    min: approval.min,
    ttl_seconds: approval.ttlSeconds,
    scope: approval.scope,
    reasons: [...approval.reasons],
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
  };
}
