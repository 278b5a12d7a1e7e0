// DecideStream flow control and batching, without a network: the handler stops reading while too many requests
// are in flight or while the client is not taking answers, and resumes when it can; answers settled together go
// out in one batch; the stream ends only after every answer.
import { EventEmitter } from 'node:events';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { ApprovalService } from '../decider/approvals/approvals.js';
import { denyBecause } from '../decider/engine/decision.js';
import type { Answer, DecisionService } from '../decider/server/decision-service.js';
import { MAX_REQUESTS_PER_BATCH } from '../decider/server/batches.js';
import { deciderHandlers, MAX_IN_FLIGHT_PER_STREAM } from '../decider/server/grpc-handlers.js';
import type { DecideBatch, DecideRequest, DecisionBatch, DecisionMessage } from '../decider/server/proto.js';

/** A server stream as grpc-js presents it, recording flow-control calls. */
class FakeStream extends EventEmitter {
  paused = false;
  cancelled = false;
  ended = false;
  writable = true;
  batches: DecisionBatch[] = [];
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  write(batch: DecisionBatch) {
    this.batches.push(batch);
    return this.writable;
  }
  get written(): DecisionMessage[] {
    return this.batches.flatMap((b) => b.decisions);
  }
  send(...requests: DecideRequest[]) {
    this.emit('data', { requests } satisfies DecideBatch);
  }
  end() {
    this.ended = true;
  }
}

/** A decision service whose decisions finish when the test says so. */
function heldService() {
  const pending: Array<() => void> = [];
  const service = {
    decide: () =>
      new Promise<Answer>((resolve) => pending.push(() => resolve({ decision: denyBecause('held'), revision: 'r', auditSeq: 1 }))),
  } as unknown as DecisionService;
  return { service, release: (n: number) => pending.splice(0, n).forEach((f) => f()), pending };
}

const request = (id: number): DecideRequest => ({ request_id: String(id), session_id: 'ses_abc', operation_json: '{"kind":"http","http":{}}', approval_id: '', parameters_json: '' });
/** Past the turn in which decisions settle and the next, in which their answers go out. */
const settle = () => new Promise((r) => setImmediate(() => setImmediate(r)));
/** Requests are decided from the next turn on, a slice at a time: waits until `count` have been handed over. */
async function started(pending: unknown[], count: number): Promise<void> {
  for (let turn = 0; pending.length < count && turn < 10_000; turn++) await new Promise((r) => setImmediate(r));
  expect(pending.length).toBe(count);
}

function open(service: DecisionService): FakeStream {
  const stream = new FakeStream();
  const handlers = deciderHandlers({
    service,
    // DecideStream never reaches the approval service; the handlers only need one to exist.
    approvals: {} as ApprovalService,
    shutdown: new AbortController().signal,
    maxOperationBytes: 1024,
    log: () => undefined,
    onRequestError: () => undefined,
  });
  (handlers.DecideStream as (call: ServerDuplexStream<DecideBatch, DecisionBatch>) => void)(stream as never);
  return stream;
}

describe('DecideStream flow control and batching', () => {
  it('pauses reading at the in-flight limit, counted in requests, and resumes as decisions finish', async () => {
    const { service, release, pending } = heldService();
    const stream = open(service);
    stream.send(...Array.from({ length: MAX_IN_FLIGHT_PER_STREAM - 2 }, (_, i) => request(i + 1)));
    stream.send(request(MAX_IN_FLIGHT_PER_STREAM - 1));
    expect(stream.paused).toBe(false);
    stream.send(request(MAX_IN_FLIGHT_PER_STREAM));
    expect(stream.paused).toBe(true);
    await started(pending, MAX_IN_FLIGHT_PER_STREAM);
    release(1);
    await settle();
    expect(stream.paused).toBe(false);
    expect(stream.written.map((m) => m.request_id)).toEqual(['1']);
  });

  it('pauses while the client does not take answers, until drain', async () => {
    const { service, release, pending } = heldService();
    const stream = open(service);
    stream.writable = false;
    stream.send(request(1));
    await started(pending, 1);
    release(1);
    await settle();
    expect(stream.paused).toBe(true);
    stream.writable = true;
    stream.emit('drain');
    expect(stream.paused).toBe(false);
  });

  it('answers a duplicate request_id with an error, and ends only after the last answer', async () => {
    const { service, release } = heldService();
    const stream = open(service);
    stream.send(request(1));
    stream.send(request(1));
    await settle();
    expect(stream.written).toMatchObject([{ request_id: '1', error_code: 'duplicate_request_id', verdict: '' }]);
    stream.emit('end');
    expect(stream.ended).toBe(false);
    release(1);
    await settle();
    expect(stream.ended).toBe(true);
    expect(stream.written.at(-1)).toMatchObject({ request_id: '1', verdict: 'deny', reasons: ['held'] });
  });

  it('answers the decisions that finish together in one batch', async () => {
    const { service, release, pending } = heldService();
    const stream = open(service);
    stream.send(request(1), request(2));
    stream.send(request(3));
    await started(pending, 3);
    release(3);
    await settle();
    expect(stream.batches.map((b) => b.decisions.map((d) => d.request_id))).toEqual([['1', '2', '3']]);
  });

  it('decides a large batch a slice at a time, so the event loop turns (and audit replies land) in between', async () => {
    const startedAt: number[] = [];
    const service = {
      decide: () => {
        startedAt.push(performance.now());
        const until = performance.now() + 0.2; // what evaluating a policy costs the thread
        while (performance.now() < until);
        return Promise.resolve({ decision: denyBecause('slow'), revision: 'r', auditSeq: 1 });
      },
    } as unknown as DecisionService;
    const stream = open(service);
    stream.send(...Array.from({ length: 50 }, (_, i) => request(i + 1)));
    const seen: number[] = [];
    const watch = () => {
      seen.push(startedAt.length);
      if (startedAt.length < 50) setImmediate(watch);
    };
    setImmediate(watch);
    await settle();
    while (stream.written.length < 50) await settle();
    // The loop got turns while the batch was being decided: some turns saw part of it decided, not all.
    expect(seen.some((n) => n > 0 && n < 50)).toBe(true);
    expect(stream.written.map((m) => m.request_id)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it('refuses every request of an oversized batch without deciding any', async () => {
    const { service, pending } = heldService();
    const stream = open(service);
    stream.send(...Array.from({ length: MAX_REQUESTS_PER_BATCH + 1 }, (_, i) => request(i + 1)));
    await settle();
    expect(pending.length).toBe(0);
    expect(stream.written.length).toBe(MAX_REQUESTS_PER_BATCH + 1);
    expect(new Set(stream.written.map((d) => `${d.verdict}/${d.error_code}`))).toEqual(new Set(['/batch_too_large']));
  });
});
