// DecisionStream over real gRPC, against a server that records what arrives: requests issued in the same turn
// travel in one DecideBatch (within the batch limits), later ones in the next, and answers are matched to their
// requests by request_id whatever order and grouping they come back in.
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUESTS_PER_BATCH } from '../decider/server/batches.js';
import { connectDecider, type DeciderClient } from '../decider/server/client.js';
import { deciderService, type DecideBatch, type DecisionBatch, type DecisionMessage } from '../decider/server/proto.js';

const received: number[] = [];
let server: Server;
let client: DeciderClient;

/** Answers each batch in reverse order, split into single-answer batches, echoing the operation as the verdict. */
function reversingStream(call: ServerDuplexStream<DecideBatch, DecisionBatch>) {
  call.on('data', (batch: DecideBatch) => {
    received.push(batch.requests.length);
    for (const request of [...batch.requests].reverse()) {
      const answer: Partial<DecisionMessage> = { request_id: request.request_id, verdict: request.operation_json };
      call.write({ decisions: [answer as DecisionMessage] });
    }
  });
  call.on('end', () => call.end());
}

beforeAll(async () => {
  server = new Server();
  server.addService(deciderService(), { DecideStream: reversingStream });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  client = connectDecider(`127.0.0.1:${port}`);
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

describe('DecisionStream', () => {
  it('sends the requests issued together in one batch and matches answers by request_id', async () => {
    received.length = 0;
    const stream = client.stream();
    const first = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((op) => stream.decide({ session_id: 'ses_x', operation_json: op })));
    expect(first.map((d) => d.verdict)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await stream.decide({ session_id: 'ses_x', operation_json: 'f' })).verdict).toBe('f');
    expect(received).toEqual([5, 1]);
    stream.end();
  });

  it('splits more requests than a batch may hold', async () => {
    received.length = 0;
    const stream = client.stream();
    const count = MAX_REQUESTS_PER_BATCH + 10;
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => stream.decide({ session_id: 'ses_x', operation_json: String(i) })));
    expect(answers.map((d) => d.verdict)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    expect(received).toEqual([MAX_REQUESTS_PER_BATCH, 10]);
    stream.end();
  });

  it('splits requests by size, so a batch stays within the message limit', async () => {
    received.length = 0;
    const stream = client.stream();
    const big = 'x'.repeat(30 * 1024);
    const answers = await Promise.all([big, big, 'small'].map((op) => stream.decide({ session_id: 'ses_x', operation_json: op })));
    expect(answers.map((d) => d.verdict.length)).toEqual([big.length, big.length, 5]);
    expect(received).toEqual([1, 2]);
    stream.end();
  });
});
