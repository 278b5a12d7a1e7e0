// Clients get the shim's own (process id, secret key) pair, never the upstream backend's: a CancelRequest is
// mapped back to the session, which ends what the shim holds itself (a statement waiting for approval) or has it
// forwarded to its upstream backend; a guessed key cancels nothing.
import { randomInt } from 'node:crypto';
import type { UpstreamAddress } from './upstream-socket.js';

/** The upstream backend to cancel, reached as the session's upstream connection was (upstream-socket.ts). */
export interface UpstreamKey extends UpstreamAddress {
  readonly processId: number;
  readonly secretKey: number;
}

export interface ClientKey {
  readonly processId: number;
  readonly secretKey: number;
}

export interface CancelTarget {
  readonly upstream: UpstreamKey;
  /** Ends a statement the shim itself holds; false when it holds none (the cancel then goes to Postgres). */
  cancelHeld(): boolean;
}

export class CancelKeys {
  private readonly byClientKey = new Map<string, CancelTarget>();

  register(target: CancelTarget): ClientKey {
    for (;;) {
      const key = { processId: randomInt(1, 2 ** 31 - 1), secretKey: randomInt(-(2 ** 31), 2 ** 31 - 1) };
      const id = keyOf(key);
      if (this.byClientKey.has(id)) continue;
      this.byClientKey.set(id, target);
      return key;
    }
  }

  lookup(key: ClientKey): CancelTarget | undefined {
    return this.byClientKey.get(keyOf(key));
  }

  release(key: ClientKey): void {
    this.byClientKey.delete(keyOf(key));
  }
}

function keyOf(key: ClientKey): string {
  return `${key.processId}:${key.secretKey}`;
}
