// Clients get the shim's own (process id, secret key) pair, never the upstream backend's: a CancelRequest is
// mapped back to the upstream backend of the same session, and a guessed key cancels nothing.
import { randomInt } from 'node:crypto';

export interface UpstreamKey {
  readonly host: string;
  readonly port: number;
  readonly processId: number;
  readonly secretKey: number;
}

export interface ClientKey {
  readonly processId: number;
  readonly secretKey: number;
}

export class CancelKeys {
  private readonly byClientKey = new Map<string, UpstreamKey>();

  register(upstream: UpstreamKey): ClientKey {
    for (;;) {
      const key = { processId: randomInt(1, 2 ** 31 - 1), secretKey: randomInt(-(2 ** 31), 2 ** 31 - 1) };
      const id = keyOf(key);
      if (this.byClientKey.has(id)) continue;
      this.byClientKey.set(id, upstream);
      return key;
    }
  }

  lookup(key: ClientKey): UpstreamKey | undefined {
    return this.byClientKey.get(keyOf(key));
  }

  release(key: ClientKey): void {
    this.byClientKey.delete(keyOf(key));
  }
}

function keyOf(key: ClientKey): string {
  return `${key.processId}:${key.secretKey}`;
}
