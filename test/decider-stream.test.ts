// DecideStream flow control, without a network: the handler stops reading while too many decisions are in flight
// or while the client is not taking answers, and resumes when it can; the stream ends only after every answer.
import { EventEmitter } from 'node:events';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { denyBecause } from '../decider/engine/decision.js';
import type { Answer, DecisionService } from '../decider/server/decision-service.js';
import { deciderHandlers, MAX_IN_FLIGHT_PER_STREAM } from '../decider/server/grpc-handlers.js';
import type { DecideRequest, DecisionMessage } from '../decider/server/proto.js';

/** A server stream as grpc-js presents it, recording flow-control calls. */
class FakeStream extends EventEmitter {
  paused = false;
  cancelled = false;
  ended = false;
  writable = true;
  written: DecisionMessage[] = [];
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  write(message: DecisionMessage) {
    this.written.push(message);
    return this.writable;
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

const request = (id: number): DecideRequest => ({ request_id: String(id), session_id: 'ses_abc', operation_json: '{"kind":"http","http":{}}', approval_id: '' });
const settle = () => new Promise((r) => setImmediate(r));

function open(service: DecisionService): FakeStream {
  const stream = new FakeStream();
  const handlers = deciderHandlers({ service, maxOperationBytes: 1024, log: () => undefined, onRequestError: () => undefined });
  (handlers.DecideStream as (call: ServerDuplexStream<DecideRequest, DecisionMessage>) => void)(stream as never);
  return stream;
}

describe('DecideStream flow control', () => {
  it('pauses reading at the in-flight limit and resumes as decisions finish', async () => {
    const { service, release, pending } = heldService();
    const stream = open(service);
    for (let i = 1; i < MAX_IN_FLIGHT_PER_STREAM; i++) stream.emit('data', request(i));
    expect(stream.paused).toBe(false);
    stream.emit('data', request(MAX_IN_FLIGHT_PER_STREAM));
    expect(stream.paused).toBe(true);
    expect(pending.length).toBe(MAX_IN_FLIGHT_PER_STREAM);
    release(1);
    await settle();
    expect(stream.paused).toBe(false);
    expect(stream.written.map((m) => m.request_id)).toEqual(['1']);
  });

  it('pauses while the client does not take answers, until drain', async () => {
    const { service, release } = heldService();
    const stream = open(service);
    stream.writable = false;
    stream.emit('data', request(1));
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
    stream.emit('data', request(1));
    stream.emit('data', request(1));
    expect(stream.written).toMatchObject([{ request_id: '1', error_code: 'duplicate_request_id', verdict: '' }]);
    stream.emit('end');
    expect(stream.ended).toBe(false);
    release(1);
    await settle();
    expect(stream.ended).toBe(true);
    expect(stream.written.at(-1)).toMatchObject({ request_id: '1', verdict: 'deny', reasons: ['held'] });
  });
});
