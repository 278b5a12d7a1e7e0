// The just-in-time approval RPCs of taskgate.v1.Decider (ListApprovals, Approve, Deny, WatchApproval) over the
// protocol-neutral ApprovalService. As the proto says, a refused vote or watch is an answer (ApprovalReply
// .error_code), not a gRPC error; only what the decider itself cannot serve (its store or identity provider down,
// a bug, a shutdown) fails the call with a status.
import { status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ApprovalService } from '../approvals/approvals.js';
import { approvalDocument } from '../approvals/document.js';
import { ApprovalError, type Approval } from '../approvals/types.js';
import type { DecisionService } from './decision-service.js';
import type { ApprovalReply, ListApprovalsRequest, ListApprovalsResponse, VoteRequest, WatchApprovalRequest } from './proto.js';
import { utf8Bytes } from './batches.js';
import { Refusal } from './refusal.js';
import { validVote, validWatch } from './validate.js';

export interface ApprovalHandlerOptions {
  readonly approvals: ApprovalService;
  /** Verifies approvers' credentials (as OpenSession verifies clients') and knows the open sessions. */
  readonly service: DecisionService;
  /** Aborted when the decider stops: open watches end UNAVAILABLE and withdraw nothing. */
  readonly shutdown: AbortSignal;
  readonly log: (line: string) => void;
  /** Fails a unary call with the refusal's status and `taskgate-reason` trailer (grpc-handlers.ts). */
  readonly fail: <T>(callback: sendUnaryData<T>, e: unknown) => void;
  readonly refusalOf: (e: unknown) => Refusal;
  /**
   * Most payload bytes one ListApprovals reply may carry: below the server's send limit, which a few requests with
   * operations near max_operation_bytes would pass together and fail the call for every approver.
   */
  readonly maxListBytes: number;
}

type VoteCall = ServerUnaryCall<VoteRequest, ApprovalReply>;

export function approvalHandlers(options: ApprovalHandlerOptions): UntypedServiceImplementation {
  const { approvals } = options;
  return {
    ListApprovals(call: ServerUnaryCall<ListApprovalsRequest, ListApprovalsResponse>, callback: sendUnaryData<ListApprovalsResponse>) {
      approvals
        .list({ pending: call.request?.pending_only === true })
        .then((list) => callback(null, { approvals: withinBytes(list.map(reply), options.maxListBytes) }))
        .catch((e) => options.fail(callback, e));
    },
    Approve(call: VoteCall, callback: sendUnaryData<ApprovalReply>) {
      vote('approve', call, options).then((answer) => callback(null, answer), (e) => options.fail(callback, e));
    },
    Deny(call: VoteCall, callback: sendUnaryData<ApprovalReply>) {
      vote('deny', call, options).then((answer) => callback(null, answer), (e) => options.fail(callback, e));
    },
    WatchApproval(call: ServerWritableStream<WatchApprovalRequest, ApprovalReply>) {
      watch(call, options);
    },
  };
}

/** Verifies the approver, then lets the service (self-approval, `data.taskgate.approve`, min) decide the vote. */
async function vote(verb: 'approve' | 'deny', call: VoteCall, options: ApprovalHandlerOptions): Promise<ApprovalReply> {
  const askedId = typeof call.request?.approval_id === 'string' ? call.request.approval_id : '';
  let request;
  try {
    request = validVote(call.request);
  } catch (e) {
    if (e instanceof Refusal) return refused(askedId, 'invalid_request', e.message);
    throw e;
  }
  let approver;
  try {
    approver = (await options.service.verify(request.credential)).identity;
  } catch (e) {
    // A bad approver token is the caller's to fix; the decider's own trouble verifying it stays a gRPC error.
    if (e instanceof Refusal && e.grpcStatus === status.UNAUTHENTICATED) return refused(request.approvalId, 'unauthenticated', e.message);
    throw e;
  }
  try {
    const approval = await options.approvals[verb](request.approvalId, approver, request.reason);
    options.log(`approvals: ${approver.subject} ${verb === 'approve' ? 'approved' : 'denied'} ${approval.id} (now ${approval.state.status})`);
    return reply(approval);
  } catch (e) {
    if (e instanceof ApprovalError) return refused(request.approvalId, e.code, e.message);
    throw e;
  }
}

/**
 * Answers once, when the request is no longer pending, then ends. The asking client cancelling (it went away)
 * withdraws a request still pending; the decider shutting down ends the watch UNAVAILABLE and withdraws nothing.
 */
function watch(call: ServerWritableStream<WatchApprovalRequest, ApprovalReply>, options: ApprovalHandlerOptions): void {
  const watching = new AbortController();
  let cancelled = false;
  const stopWatching = () => watching.abort();
  options.shutdown.addEventListener('abort', stopWatching, { once: true });
  call.on('cancelled', () => {
    cancelled = true;
    watching.abort();
  });
  const finish = (answer: ApprovalReply) => {
    call.write(answer);
    call.end();
  };
  (async () => {
    let request;
    try {
      request = validWatch(call.request);
    } catch (e) {
      if (e instanceof Refusal) return finish(refused(call.request?.approval_id ?? '', 'invalid_request', e.message));
      throw e;
    }
    try {
      finish(reply(await options.approvals.waitFor(request.approvalId, watching.signal)));
    } catch (e) {
      if (e instanceof ApprovalError) return finish(refused(request.approvalId, e.code, e.message));
      if (!watching.signal.aborted) throw e;
      if (options.shutdown.aborted) {
        call.emit('error', { code: status.UNAVAILABLE, details: 'the decider is shutting down; watch the approval again once reconnected' });
      } else if (cancelled && request.sessionId !== undefined) {
        await withdrawForAsker(request.approvalId, request.sessionId, options);
      }
    }
  })()
    .catch((e) => {
      const refusal = options.refusalOf(e);
      if (!call.cancelled) call.emit('error', { code: refusal.grpcStatus, details: refusal.message });
    })
    .finally(() => options.shutdown.removeEventListener('abort', stopWatching));
}

/** The waiting client went away: its request can never be used, so it is closed, if it was theirs. */
async function withdrawForAsker(approvalId: string, sessionId: string, options: ApprovalHandlerOptions): Promise<void> {
  const approval = await options.approvals.get(approvalId);
  if (approval === undefined || approval.state.status !== 'pending') return;
  const session = lookupSession(options.service, sessionId);
  const asker =
    approval.sessionId === sessionId ||
    (session !== undefined &&
      options.approvals.isAsker(approval, {
        sessionId,
        subject: session.identity.subject,
        issuer: session.identity.issuer,
        ...(session.task === undefined ? {} : { taskId: session.task.id }),
      }));
  if (!asker) return;
  try {
    await options.approvals.withdraw(approvalId);
    options.log(`approvals: ${approvalId} withdrawn: the waiting client went away`);
  } catch (e) {
    // Decided in the meantime: nothing left to withdraw.
    if (!(e instanceof ApprovalError)) options.log(`approvals: cannot withdraw ${approvalId}: ${(e as Error)?.message ?? String(e)}`);
  }
}

function lookupSession(service: DecisionService, sessionId: string) {
  try {
    return service.session(sessionId);
  } catch (e) {
    if (e instanceof Refusal) return undefined;
    throw e;
  }
}

export function reply(approval: Approval): ApprovalReply {
  const { state } = approval;
  return {
    approval_id: approval.id,
    status: state.status,
    approved_by: [...state.approvedBy],
    denied_by: state.deniedBy ?? '',
    usable_until: state.usableUntil ?? '',
    approval_json: JSON.stringify(approvalDocument(approval)),
    error_code: '',
    error_message: '',
  };
}

/**
 * The replies, newest first, that fit in `maxBytes` together; one that does not fit what is left is left out, so
 * that requests made large on purpose cannot hide the others (they are still approved or denied by id).
 */
function withinBytes(replies: readonly ApprovalReply[], maxBytes: number): ApprovalReply[] {
  const kept: ApprovalReply[] = [];
  let left = maxBytes;
  for (const r of replies) {
    const size = utf8Bytes(r.approval_id, r.status, r.denied_by, r.usable_until, r.approval_json, ...r.approved_by) + REPLY_FRAMING_BYTES;
    if (size > left) continue;
    kept.push(r);
    left -= size;
  }
  return kept;
}

/** Field tags and lengths of one ApprovalReply inside the list, generously. */
const REPLY_FRAMING_BYTES = 64;

function refused(approvalId: string, code: string, message: string): ApprovalReply {
  return { approval_id: approvalId, status: '', approved_by: [], denied_by: '', usable_until: '', approval_json: '', error_code: code, error_message: message };
}
