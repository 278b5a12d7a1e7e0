// The decision flow, independent of gRPC: open a session with a verified credential, then decide operations in
// it. Every path that does not end in a committed audit record of a policy verdict ends in a deny or a refusal.
import { status } from '@grpc/grpc-js';
import type { ApprovalService } from '../approvals/approvals.js';
import { decideWithApprovals } from '../approvals/gate.js';
import type { Approval, OperationContext } from '../approvals/types.js';
import { StoreError } from '../store/errors.js';
import { revokedTaskReason, type AuditReceipt, type JsonValue, type Store } from '../store/index.js';
import type { ResourceConfig } from '../config.js';
import { denyBecause, type Decision } from '../engine/decision.js';
import type { PolicyEngine } from '../engine/policy-engine.js';
import { IdentityError } from '../identity/errors.js';
import type { TaskDocument, VerifiedCredential } from '../identity/types.js';
import type { DeciderMetrics } from './metrics.js';
import { Refusal } from './refusal.js';
import { SessionLimitReached, type Session, type Sessions } from './sessions.js';
import type { SessionSummary } from './session-summary.js';
import { policyInputJson } from './policy-input.js';
import { checkOperationKind, type ValidDecide, type ValidOpenSession } from './validate.js';

/** Verifies a client credential (decider/identity's verifyCredential); throws IdentityError to refuse. */
export type VerifyCredential = (credential: string) => Promise<VerifiedCredential>;

export interface DecisionServiceOptions {
  readonly store: Store;
  readonly engine: PolicyEngine;
  readonly sessions: Sessions;
  readonly metrics: DeciderMetrics;
  readonly verifyCredential: VerifyCredential;
  /** Holds, reuses and consumes just-in-time approvals around each decision (decider/approvals). */
  readonly approvals: ApprovalService;
  readonly resources: readonly ResourceConfig[];
  readonly sessionTtlSeconds: number;
  readonly log: (line: string) => void;
  readonly clock?: () => Date;
}

export interface Answer {
  readonly decision: Decision;
  readonly revision: string;
  /** The committed audit record's seq; 0 when the record could not be written (and the answer is deny). */
  readonly auditSeq: number;
  /** require_approval: the pending request to watch; an allow after approval: the approval it used. */
  readonly approvalId?: string;
  /** require_approval: that request as it stands. */
  readonly approval?: Approval;
}

export class DecisionService {
  private readonly resources: ReadonlyMap<string, ResourceConfig>;
  private readonly clock: () => Date;

  constructor(private readonly options: DecisionServiceOptions) {
    this.resources = new Map(options.resources.map((r) => [r.name, r]));
    this.clock = options.clock ?? (() => new Date());
  }

  async openSession(request: ValidOpenSession): Promise<Session> {
    const configured = this.resources.get(request.resource);
    if (configured !== undefined && configured.kind !== request.kind) {
      throw new Refusal('invalid_request', `resource ${request.resource} is a ${configured.kind} resource, not ${request.kind}`, status.INVALID_ARGUMENT);
    }
    const verified = await this.verify(request.credential);
    const now = this.clock();
    const { task } = verified;
    if (task !== undefined) {
      const revoked = await this.isRevoked(task.id).catch((e: Error) => {
        throw new Refusal('store_unavailable', `cannot check whether task ${task.id} is revoked (${e.message}); try again`, status.UNAVAILABLE);
      });
      if (revoked) throw new Refusal('task_revoked', await this.revokedReason(task), status.UNAUTHENTICATED);
      if (Date.parse(task.expires_at) <= now.getTime()) {
        throw new Refusal('expired', `task ${task.name} (${task.id}) expired at ${task.expires_at}: ask for a new task token`, status.UNAUTHENTICATED);
      }
      if (!task.grants.some((g) => g.resource === request.resource)) {
        throw new Refusal(
          'no_grant_for_resource',
          `task ${task.name} (${task.id}) has no grant on ${request.resource}: ask for a task with --grant ${request.resource}:ACTION`,
          status.PERMISSION_DENIED,
        );
      }
    }
    try {
      return this.options.sessions.open({
        identity: verified.identity,
        task,
        resource: { name: request.resource, kind: request.kind, labels: configured?.labels ?? {} },
        sourceIp: request.sourceIp,
        startedAt: now.toISOString(),
        expiresAtMs: this.sessionEnd(verified, now),
      });
    } catch (e) {
      if (e instanceof SessionLimitReached) throw new Refusal('too_many_sessions', e.message, status.RESOURCE_EXHAUSTED);
      throw e;
    }
  }

  /**
   * Ends the session, then writes its `session_closed` record (the shim's summary, with who, which task and which
   * resource from the session) and resolves once it is committed. The session is taken out of the table first, so
   * no decision joins it afterwards and a repeated close is `unknown_session`, never a second record.
   */
  async closeSession(sessionId: string, summary?: SessionSummary): Promise<AuditReceipt> {
    const session = this.session(sessionId);
    this.options.sessions.close(sessionId);
    try {
      return await this.options.store.append({
        kind: 'session_closed',
        sessionId,
        subject: session.identity.subject,
        issuer: session.identity.issuer,
        taskId: session.task?.id,
        taskName: session.task?.name,
        resource: session.resource.name,
        ...(summary === undefined ? {} : { summary }),
      });
    } catch (e) {
      this.options.metrics.auditWriteFailures++;
      this.options.log(`audit: cannot write the session_closed record of ${sessionId} (${(e as Error).message})`);
      throw new Refusal('audit_write_failed', `session ${sessionId} is closed, but its summary could not be written to the audit log`, status.UNAVAILABLE);
    }
  }

  session(sessionId: string): Session {
    const session = this.options.sessions.get(sessionId);
    if (session === undefined) {
      throw new Refusal('unknown_session', `no open session ${sessionId} (it was closed, or the decider restarted): open a new session`, status.NOT_FOUND);
    }
    return session;
  }

  /**
   * Decides one operation. Throws Refusal for a request that cannot be decided; otherwise answers, audited.
   * Revocation is checked where the record commits (Store.appendDecision), not before evaluating: a per-decision
   * query in front of the audit writer would serialise the decisions that group commit exists to batch.
   */
  async decide(request: ValidDecide): Promise<Answer> {
    const started = process.hrtime.bigint();
    const session = this.session(request.sessionId);
    checkOperationKind(request.operation, session.resource.kind);
    const { decision, revision, approvalId, approval } = await this.evaluate(session, request, this.clock());
    const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
    const audited = await this.audit(session, request, decision, revision, latencyUs, approvalId);
    this.options.metrics.decided(audited.decision.verdict, Number(process.hrtime.bigint() - started) / 1e9);
    // A held operation whose record failed to commit is answered deny, with no request to watch.
    const held = audited.decision.verdict === 'require_approval' && approval !== undefined;
    return {
      decision: audited.decision,
      revision,
      auditSeq: audited.auditSeq,
      ...(approvalId === undefined ? {} : { approvalId }),
      ...(held ? { approval } : {}),
    };
  }

  private async evaluate(session: Session, request: ValidDecide, now: Date): Promise<Evaluated> {
    if (now.getTime() >= session.expiresAtMs) {
      const revision = this.options.engine.current?.revision ?? '';
      return { decision: denyBecause(`the session's credential expired at ${new Date(session.expiresAtMs).toISOString()}: open a new session with a fresh token`), revision };
    }
    let revision = '';
    try {
      const gated = await decideWithApprovals(this.options.approvals, operationContext(session, request), (inputApproval) => {
        const answer = this.options.engine.decide(policyInputJson(session, request.operationJson, now, inputApproval));
        revision = answer.revision;
        return answer.decision;
      });
      const approvalId = gated.approvalId ?? gated.inputApproval?.id;
      return { decision: gated.decision, revision, ...(approvalId === undefined ? {} : { approvalId }), ...(gated.request ? { approval: gated.request } : {}) };
    } catch (e) {
      // The approvals store failing must not let a held operation through, nor take the decider down.
      this.options.log(`approvals: cannot hold or look up an approval (${(e as Error)?.message ?? String(e)}); answering deny`);
      return { decision: denyBecause('the approval for this operation could not be recorded or read, so it is denied; try again'), revision };
    }
  }

  /** Writes the record; answers what was recorded: the decision, a deny for a revoked task, or a deny on failure. */
  private async audit(session: Session, request: ValidDecide, decision: Decision, revision: string, latencyUs: number, approvalId: string | undefined): Promise<{ decision: Decision; auditSeq: number }> {
    const operation = request.operation;
    const task = session.task;
    try {
      const receipt = await this.options.store.appendDecision({
        kind: 'decision',
        sessionId: session.id,
        subject: session.identity.subject,
        issuer: session.identity.issuer,
        taskId: session.task?.id,
        taskName: session.task?.name,
        resource: session.resource.name,
        operationKind: typeof operation.kind === 'string' ? operation.kind : undefined,
        operationAction: typeof operation.action === 'string' ? operation.action : undefined,
        operationJson: request.operationJson,
        verdict: decision.verdict,
        reasons: decision.reasons,
        masks: decision.mask as unknown as JsonValue[],
        approvalId,
        policyRevision: revision === '' ? undefined : revision,
        latencyUs,
      });
      const answered = receipt.revocation === null ? decision : denyBecause(revokedTaskReason(task!, receipt.revocation));
      return { decision: answered, auditSeq: receipt.seq };
    } catch (e) {
      this.options.metrics.auditWriteFailures++;
      this.options.log(`audit: cannot write a decision record (${(e as Error).message}); answering deny`);
      return { decision: auditFailed(e), auditSeq: 0 };
    }
  }

  /** Verifies a client's or an approver's credential; throws Refusal (UNAUTHENTICATED, or UNAVAILABLE to retry). */
  async verify(credential: string): Promise<VerifiedCredential> {
    try {
      return await this.options.verifyCredential(credential);
    } catch (e) {
      if (e instanceof StoreError) {
        // Checking the task against the store failed (the store thread stopped, the file cannot be read): retryable
        // or a restart, as the message says; no stack trace, since it is the store's condition, not a bug here.
        throw new Refusal('store_unavailable', `the credential could not be checked against the store: ${e.message}`, status.UNAVAILABLE);
      }
      if (e instanceof IdentityError) {
        // The decider's own trouble (a JWKS it cannot fetch, a missing key) is not the caller's fault: retryable.
        const unavailable = e.code === 'jwks_unavailable' || e.code === 'signing_key_unavailable';
        throw new Refusal(e.code, e.message, unavailable ? status.UNAVAILABLE : status.UNAUTHENTICATED);
      }
      this.options.log(`identity: verifying a credential failed unexpectedly: ${(e as Error)?.stack ?? String(e)}`);
      throw new Refusal('identity_unavailable', 'the credential could not be verified; try again', status.UNAVAILABLE);
    }
  }

  private isRevoked(taskId: string): Promise<boolean> {
    return this.options.store.isRevoked(taskId);
  }

  private async revokedReason(task: TaskDocument): Promise<string> {
    const revocation = (await this.options.store.getTask(task.id).catch(() => undefined))?.revocation;
    return revokedTaskReason(task, revocation ?? null);
  }

  /** The earliest of the task's end, the token's `exp`, and the configured session length. */
  private sessionEnd(verified: VerifiedCredential, now: Date): number {
    const ends = [now.getTime() + this.options.sessionTtlSeconds * 1000];
    if (verified.task !== undefined) ends.push(Date.parse(verified.task.expires_at));
    const exp = verified.identity.claims.exp;
    if (typeof exp === 'number') ends.push(exp * 1000);
    return Math.min(...ends.filter((t) => Number.isFinite(t)));
  }
}

/** The deny for a decision whose record could not be written, saying why: a full disk and a lost store thread differ. */
function auditFailed(cause: unknown): Decision {
  const why = cause instanceof StoreError ? cause.message : 'the audit log could not be written';
  return denyBecause(`the decision could not be written to the audit log (${why}), so it is denied`);
}

/** What an approval is bound to: the session, who asks for which task, the resource, the operation and its values. */
function operationContext(session: Session, request: ValidDecide): OperationContext {
  return {
    sessionId: session.id,
    identity: session.identity,
    ...(session.task === undefined ? {} : { task: { id: session.task.id, name: session.task.name } }),
    resource: session.resource.name,
    operation: request.operation as JsonValue,
    parameters: request.parameters,
    ...(request.approvalId === '' ? {} : { approvalId: request.approvalId }),
  };
}

interface Evaluated {
  readonly decision: Decision;
  readonly revision: string;
  readonly approvalId?: string;
  readonly approval?: Approval;
}
