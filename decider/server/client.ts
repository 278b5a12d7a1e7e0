// A typed client for taskgate.v1.Decider: what `taskgate decide`, the tests and the bench use, and what shims can
// use. Failed calls reject with DeciderCallError carrying the gRPC status and the `taskgate-reason` code.
import { credentials, Metadata, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  loadProtos,
  type ApprovalReply,
  type DecideRequest,
  type DecisionBatch,
  type DecisionMessage,
  type ListApprovalsRequest,
  type ListApprovalsResponse,
  type OpenSessionRequest,
  type OpenSessionResponse,
  type VoteRequest,
  type WatchApprovalRequest,
} from './proto.js';
import { Batcher, MAX_BATCH_BYTES, MAX_REQUESTS_PER_BATCH, utf8Bytes, type BatchLimits } from './batches.js';
import { REASON_TRAILER } from './grpc-handlers.js';

export class DeciderCallError extends Error {
  constructor(
    readonly grpcCode: number,
    /** The `taskgate-reason` trailer (e.g. `expired`, `unknown_session`); empty when the server sent none. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeciderCallError';
  }
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: Date }, callback: (e: ServiceError | null, r: Res) => void) => void;

interface RawDeciderClient extends Client {
  OpenSession: Unary<OpenSessionRequest, OpenSessionResponse>;
  Decide: Unary<Partial<DecideRequest>, DecisionMessage>;
  CloseSession: Unary<{ session_id: string; summary_json?: string }, object>;
  DecideStream(): ClientDuplexStream<{ requests: Array<Partial<DecideRequest>> }, DecisionBatch>;
  ListApprovals: Unary<Partial<ListApprovalsRequest>, ListApprovalsResponse>;
  Approve: Unary<Partial<VoteRequest>, ApprovalReply>;
  Deny: Unary<Partial<VoteRequest>, ApprovalReply>;
  WatchApproval(request: Partial<WatchApprovalRequest>, options: { deadline?: Date }): ClientReadableStream<ApprovalReply>;
}

export interface DeciderClient {
  openSession(request: Partial<OpenSessionRequest>, timeoutMs?: number): Promise<OpenSessionResponse>;
  decide(request: Partial<DecideRequest>, timeoutMs?: number): Promise<DecisionMessage>;
  closeSession(sessionId: string, summaryJson?: string): Promise<void>;
  /** A DecideStream whose answers are matched to requests by request_id; requests issued together share a batch. */
  stream(): DecisionStream;
  listApprovals(pendingOnly?: boolean): Promise<ApprovalReply[]>;
  /** Refusals (self-approval, an approver the policy does not allow ...) resolve with `error_code` set. */
  approve(request: Partial<VoteRequest>): Promise<ApprovalReply>;
  deny(request: Partial<VoteRequest>): Promise<ApprovalReply>;
  watchApproval(request: Partial<WatchApprovalRequest>, timeoutMs?: number): ApprovalWatch;
  close(): void;
}

/** A WatchApproval call: `answer` resolves with the one reply; `cancel` gives up (withdrawing, for the asker). */
export interface ApprovalWatch {
  readonly answer: Promise<ApprovalReply>;
  cancel(): void;
}

export interface DecisionStream {
  decide(request: Omit<Partial<DecideRequest>, 'request_id'>): Promise<DecisionMessage>;
  end(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * grpc-js backs off up to 120 s between reconnects by default; a shim held away that long after a decider
 * restart denies everything meanwhile, so it retries at least every 2 s.
 */
const MAX_RECONNECT_BACKOFF_MS = 2000;

export function connectDecider(address: string): DeciderClient {
  const Ctor = loadProtos().decider;
  const raw = new Ctor(address, credentials.createInsecure(), { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS }) as unknown as RawDeciderClient;
  const call = <Req, Res>(method: Unary<Req, Res>, request: Req, timeoutMs: number) =>
    new Promise<Res>((resolve, reject) => {
      method.call(raw, request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (e, response) => {
        if (e) reject(callError(e));
        else resolve(response);
      });
    });
  return {
    openSession: (request, timeoutMs = DEFAULT_TIMEOUT_MS) => call(raw.OpenSession, request as OpenSessionRequest, timeoutMs),
    decide: (request, timeoutMs = DEFAULT_TIMEOUT_MS) => call(raw.Decide, request, timeoutMs),
    closeSession: async (sessionId, summaryJson = '') => {
      await call(raw.CloseSession, { session_id: sessionId, summary_json: summaryJson }, DEFAULT_TIMEOUT_MS);
    },
    stream: () => decisionStream(raw.DecideStream()),
    listApprovals: async (pendingOnly = false) => (await call(raw.ListApprovals, { pending_only: pendingOnly }, DEFAULT_TIMEOUT_MS)).approvals,
    approve: (request) => call(raw.Approve, request, DEFAULT_TIMEOUT_MS),
    deny: (request) => call(raw.Deny, request, DEFAULT_TIMEOUT_MS),
    watchApproval: (request, timeoutMs) =>
      approvalWatch(raw.WatchApproval(request, timeoutMs === undefined ? {} : { deadline: new Date(Date.now() + timeoutMs) })),
    close: () => raw.close(),
  };
}

function decisionStream(duplex: ClientDuplexStream<{ requests: Array<Partial<DecideRequest>> }, DecisionBatch>): DecisionStream {
  const pending = new Map<string, { resolve: (d: DecisionMessage) => void; reject: (e: Error) => void }>();
  let next = 1n;
  let failure: Error | undefined;
  const failAll = (e: Error) => {
    failure = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  // Requests issued in the same turn of the event loop (a shim's statements in flight at once) share a message.
  const outbox = new Batcher<Partial<DecideRequest>>(REQUEST_LIMITS, (batches) => {
    if (failure) return; // their callers were rejected already
    for (const requests of batches) duplex.write({ requests });
  });
  duplex.on('data', (batch: DecisionBatch) => {
    for (const message of batch.decisions) {
      const waiter = pending.get(message.request_id);
      pending.delete(message.request_id);
      waiter?.resolve(message);
    }
  });
  duplex.on('error', (e: ServiceError) => failAll(callError(e)));
  duplex.on('end', () => failAll(new Error('the decider ended the stream')));
  return {
    decide(request) {
      if (failure) return Promise.reject(failure);
      const requestId = String(next++);
      return new Promise((resolve, reject) => {
        pending.set(requestId, { resolve, reject });
        outbox.add({ ...request, request_id: requestId });
      });
    },
    end: () => {
      // After the requests already issued have gone out.
      if (outbox.waiting === 0) duplex.end();
      else setImmediate(() => duplex.end());
    },
  };
}

const REQUEST_LIMITS: BatchLimits<Partial<DecideRequest>> = {
  maxItems: MAX_REQUESTS_PER_BATCH,
  maxBytes: MAX_BATCH_BYTES,
  bytesOf: (r) => utf8Bytes(r.session_id ?? '', r.operation_json ?? '', r.parameters_json ?? '', r.approval_id ?? '') + 16,
};

function approvalWatch(stream: ClientReadableStream<ApprovalReply>): ApprovalWatch {
  const answer = new Promise<ApprovalReply>((resolve, reject) => {
    stream.on('data', (reply: ApprovalReply) => resolve(reply));
    stream.on('error', (e: ServiceError) => reject(callError(e)));
    stream.on('end', () => reject(new Error('the decider ended the watch without an answer')));
  });
  // Rejections after the answer (the stream's end) settle nothing; without a handler they would be reported.
  answer.catch(() => undefined);
  return { answer, cancel: () => stream.cancel() };
}

function callError(e: ServiceError): DeciderCallError {
  const reason = e.metadata?.get(REASON_TRAILER)?.[0];
  return new DeciderCallError(e.code, typeof reason === 'string' ? reason : '', e.details || e.message);
}
