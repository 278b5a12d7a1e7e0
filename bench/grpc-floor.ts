// The bench's gRPC floor: a server for the same taskgate.v1.Decider service whose DecideStream answers every
// batch at once with a batch of fixed decisions (no session, policy or audit). What the bench client reaches
// against it is what grpc-js and HTTP/2 alone allow on this machine at that moment, the ceiling for the decider.
// Run as its own process by bench/decider.ts; prints the port it listens on.
import { Server, ServerCredentials, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { deciderService, type DecideBatch, type DecideRequest, type DecisionBatch, type DecisionMessage } from '../decider/server/proto.js';

const ANSWER: Omit<DecisionMessage, 'request_id'> = {
  verdict: 'allow',
  reasons: ['fixed answer'],
  masks_json: '',
  approval_json: '',
  audit_seq: '0',
  policy_revision: 'floor',
  error_code: '',
  error_message: '',
  approval_id: '',
};

const server = new Server();
server.addService(deciderService(), {
  OpenSession(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
    callback(null, { session_id: 'ses_floor', identity_json: '{}', task_json: '', expires_at: '' });
  },
  CloseSession(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
    callback(null, {});
  },
  Decide(call: ServerUnaryCall<DecideRequest, DecisionMessage>, callback: sendUnaryData<DecisionMessage>) {
    callback(null, { ...ANSWER, request_id: call.request.request_id });
  },
  DecideStream(call: ServerDuplexStream<DecideBatch, DecisionBatch>) {
    call.on('data', (batch: DecideBatch) => call.write({ decisions: batch.requests.map((r) => ({ ...ANSWER, request_id: r.request_id })) }));
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`${port}\n`);
});
