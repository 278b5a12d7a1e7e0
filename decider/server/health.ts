// grpc.health.v1: "" is the server, taskgate.v1.Decider is SERVING only while a policy is loaded and the audit
// store is usable (without either every decision is deny, which is safe but not service).
import { status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { DECIDER_SERVICE_NAME } from './proto.js';

type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthState {
  /** Whether the decision service can decide by policy, and record what it decided, right now. */
  deciderServing(): boolean;
}

/** How often Watch streams look for a change; health flips rarely (policy load, store thread lost, shutdown). */
const WATCH_INTERVAL_MS = 1000;

function statusOf(service: string, state: HealthState): ServingStatus | undefined {
  if (service === '') return 'SERVING';
  if (service === DECIDER_SERVICE_NAME) return state.deciderServing() ? 'SERVING' : 'NOT_SERVING';
  return undefined;
}

export function healthHandlers(state: HealthState): UntypedServiceImplementation {
  return {
    Check(call: ServerUnaryCall<{ service: string }, { status: ServingStatus }>, callback: sendUnaryData<{ status: ServingStatus }>) {
      const current = statusOf(call.request.service ?? '', state);
      if (current === undefined) callback({ code: status.NOT_FOUND, details: `unknown service ${call.request.service}` });
      else callback(null, { status: current });
    },
    Watch(call: ServerWritableStream<{ service: string }, { status: ServingStatus }>) {
      let last: ServingStatus | undefined;
      const tick = () => {
        const current = statusOf(call.request.service ?? '', state) ?? 'SERVICE_UNKNOWN';
        if (current !== last) {
          last = current;
          call.write({ status: current });
        }
      };
      tick();
      const timer = setInterval(tick, WATCH_INTERVAL_MS);
      const stop = () => clearInterval(timer);
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
    },
  };
}
