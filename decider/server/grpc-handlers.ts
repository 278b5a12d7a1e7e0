// The taskgate.v1.Decider gRPC handlers: translate wire messages to the decision service and back. Unary calls
// report refusals as gRPC statuses with the reason code in the `taskgate-reason` trailer; DecideStream, whose
// messages are batches, reports them per request (error_code) and keeps the stream open.
import { Metadata, status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ApprovalService } from '../approvals/approvals.js';
import { approvalDocument } from '../approvals/document.js';
import { approvalHandlers } from './approval-handlers.js';
import type { Answer, DecisionService } from './decision-service.js';
import { Batcher, MAX_BATCH_BYTES, MAX_REQUESTS_PER_BATCH, SlicedQueue, utf8Bytes, type BatchLimits } from './batches.js';
import type { CloseSessionRequest, DecideBatch, DecideRequest, DecisionBatch, DecisionMessage, OpenSessionRequest, OpenSessionResponse } from './proto.js';
import { Refusal } from './refusal.js';
import { validClose, validDecide, validOpenSession } from './validate.js';

export const REASON_TRAILER = 'taskgate-reason';

/** Requests one stream may have in flight before the server stops reading from it until some are answered. */
export const MAX_IN_FLIGHT_PER_STREAM = 256;

export interface HandlerOptions {
  readonly service: DecisionService;
  readonly approvals: ApprovalService;
  /** Aborted when the decider stops, so that approval watches end at once instead of holding up the shutdown. */
  readonly shutdown: AbortSignal;
  /** Also what one ListApprovals reply may carry; the server's message limits have room above it for framing. */
  readonly maxOperationBytes: number;
  readonly log: (line: string) => void;
  readonly onRequestError: (code: string) => void;
}

export function deciderHandlers(options: HandlerOptions): UntypedServiceImplementation {
  const { service } = options;
  const refusalOf = (e: unknown): Refusal => {
    if (e instanceof Refusal) return e;
    // A bug in taskgate must not take the server down nor become an allow: log it, answer an internal error.
    options.log(`decider: internal error: ${(e as Error)?.stack ?? String(e)}`);
    return new Refusal('internal', 'the decider failed to handle this request', status.INTERNAL);
  };
  const fail = <T,>(callback: sendUnaryData<T>, e: unknown) => {
    const refusal = refusalOf(e);
    options.onRequestError(refusal.code);
    const trailer = new Metadata();
    trailer.set(REASON_TRAILER, refusal.code);
    callback({ code: refusal.grpcStatus, details: refusal.message, metadata: trailer });
  };

  return {
    OpenSession(call: ServerUnaryCall<OpenSessionRequest, OpenSessionResponse>, callback: sendUnaryData<OpenSessionResponse>) {
      (async () => {
        const session = await service.openSession(validOpenSession(call.request));
        callback(null, {
          session_id: session.id,
          identity_json: JSON.stringify(session.identity),
          task_json: session.task === undefined ? '' : JSON.stringify(session.task),
          expires_at: new Date(session.expiresAtMs).toISOString(),
        });
      })().catch((e) => fail(callback, e));
    },

    Decide(call: ServerUnaryCall<DecideRequest, DecisionMessage>, callback: sendUnaryData<DecisionMessage>) {
      (async () => {
        const request = validDecide(call.request, options.maxOperationBytes);
        // A caller that gave up gets no answer; deciding anyway would write an audit record nobody acted on.
        if (call.cancelled) return;
        callback(null, decisionMessage(request.requestId, await service.decide(request)));
      })().catch((e) => fail(callback, e));
    },

    DecideStream(call: ServerDuplexStream<DecideBatch, DecisionBatch>) {
      handleStream(call, options, refusalOf);
    },

    ...approvalHandlers({ approvals: options.approvals, service, shutdown: options.shutdown, log: options.log, fail, refusalOf, maxListBytes: options.maxOperationBytes }),

    CloseSession(call: ServerUnaryCall<CloseSessionRequest, object>, callback: sendUnaryData<object>) {
      (async () => {
        const { sessionId, summary } = validClose(call.request);
        // Answered once the session_closed record is committed, as decisions are.
        await service.closeSession(sessionId, summary);
        callback(null, {});
      })().catch((e) => fail(callback, e));
    },
  };
}

/**
 * One DecideStream: requests are decided concurrently; the answers settled in one turn of the event loop (those
 * whose audit records committed together) go out together. Backpressure both ways, counted in requests: reading
 * pauses while too many decisions are in flight or while the client is not reading its answers.
 */
function handleStream(
  call: ServerDuplexStream<DecideBatch, DecisionBatch>,
  options: HandlerOptions,
  refusalOf: (e: unknown) => Refusal,
): void {
  const inFlight = new Set<string>();
  let writeBlocked = false;
  let clientDone = false;
  let closed = false;

  const adjustFlow = () => {
    if (closed) return;
    if (inFlight.size >= MAX_IN_FLIGHT_PER_STREAM || writeBlocked) call.pause();
    else call.resume();
  };
  const finishIfDone = () => {
    if (clientDone && inFlight.size === 0 && outbox.waiting === 0 && !closed) {
      closed = true;
      call.end();
    }
  };
  const outbox = new Batcher<DecisionMessage>(ANSWER_LIMITS, (batches) => {
    for (const decisions of batches) {
      if (closed || call.cancelled) return;
      if (!call.write({ decisions })) writeBlocked = true;
    }
    adjustFlow();
    finishIfDone();
  });
  const answerError = (requestId: string, e: unknown) => {
    const refusal = refusalOf(e);
    options.onRequestError(refusal.code);
    outbox.add(errorMessage(requestId, refusal));
  };
  const decide = (raw: DecideRequest) => {
    const requestId = typeof raw?.request_id === 'string' ? raw.request_id : '0';
    if (inFlight.has(requestId)) {
      answerError(requestId, new Refusal('duplicate_request_id', `request_id ${requestId} is already being decided on this stream`, status.INVALID_ARGUMENT));
      return;
    }
    inFlight.add(requestId);
    evaluations.push(raw);
  };
  const evaluations = new SlicedQueue<DecideRequest>((raw) => {
    const requestId = typeof raw?.request_id === 'string' ? raw.request_id : '0';
    (async () => {
      const request = validDecide(raw, options.maxOperationBytes);
      outbox.add(decisionMessage(requestId, await options.service.decide(request)));
    })()
      .catch((e) => answerError(requestId, e))
      .finally(() => {
        inFlight.delete(requestId);
        adjustFlow();
      });
  });

  call.on('drain', () => {
    writeBlocked = false;
    adjustFlow();
  });
  call.on('data', (batch: DecideBatch) => {
    const requests = Array.isArray(batch?.requests) ? batch.requests : [];
    if (requests.length > MAX_REQUESTS_PER_BATCH) {
      const refusal = new Refusal('batch_too_large', `a DecideBatch holds ${requests.length} requests, over the limit of ${MAX_REQUESTS_PER_BATCH}: send fewer at a time`, status.INVALID_ARGUMENT);
      for (const raw of requests) answerError(typeof raw?.request_id === 'string' ? raw.request_id : '0', refusal);
      return;
    }
    for (const raw of requests) decide(raw);
    adjustFlow();
  });
  call.on('end', () => {
    clientDone = true;
    finishIfDone();
  });
  call.on('cancelled', () => {
    closed = true;
  });
  call.on('error', () => {
    // A broken stream is the client's loss; decisions in flight still finish and are audited.
    closed = true;
  });
}

/** Answers weigh their text fields; a reason list or mask of any size still travels, alone if need be. */
const ANSWER_LIMITS: BatchLimits<DecisionMessage> = {
  maxItems: MAX_REQUESTS_PER_BATCH,
  maxBytes: MAX_BATCH_BYTES,
  bytesOf: (d) => utf8Bytes(d.masks_json, d.approval_json, d.error_message, ...d.reasons) + 64,
};

export function decisionMessage(requestId: string, answer: Answer): DecisionMessage {
  const { decision } = answer;
  return {
    request_id: requestId,
    verdict: decision.verdict,
    reasons: [...decision.reasons],
    masks_json: decision.mask.length > 0 ? JSON.stringify(decision.mask) : '',
    approval_json: approvalJsonOf(answer),
    audit_seq: String(answer.auditSeq),
    policy_revision: answer.revision,
    error_code: '',
    error_message: '',
    approval_id: answer.approvalId ?? '',
  };
}

/** A held operation's pending request (the document ApprovalReply carries); otherwise decision.approval. */
function approvalJsonOf(answer: Answer): string {
  if (answer.approval !== undefined) return JSON.stringify(approvalDocument(answer.approval));
  return answer.decision.approval !== undefined ? JSON.stringify(answer.decision.approval) : '';
}

/** A request that was not decided: no verdict, which the shim must treat as deny. */
export function errorMessage(requestId: string, refusal: Refusal): DecisionMessage {
  return {
    request_id: requestId,
    verdict: '',
    reasons: [],
    masks_json: '',
    approval_json: '',
    audit_seq: '0',
    policy_revision: '',
    error_code: refusal.code,
    error_message: refusal.message,
    approval_id: '',
  };
}
