// Open sessions, in memory: a session is a shim's connection with a verified credential. Deciders keep no session
// state on disk; after a restart shims open their sessions again (and the credential is verified again).
import { randomBytes } from 'node:crypto';
import type { Identity, TaskDocument } from '../identity/types.js';
import type { ResourceKind } from '../config.js';

export interface Session {
  readonly id: string;
  readonly identity: Identity;
  readonly task?: TaskDocument;
  readonly resource: { readonly name: string; readonly kind: ResourceKind; readonly labels: Readonly<Record<string, string>> };
  readonly sourceIp: string;
  readonly startedAt: string;
  /** Epoch ms: the session ends when its credential does. */
  readonly expiresAtMs: number;
}

export type NewSession = Omit<Session, 'id'>;

export class SessionTableFull extends Error {
  constructor(limit: number) {
    super(`the decider holds ${limit} open sessions already; close idle sessions or raise the limit`);
    this.name = 'SessionTableFull';
  }
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly limit: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  open(session: NewSession): Session {
    if (this.byId.size >= this.limit) this.sweepExpired();
    if (this.byId.size >= this.limit) throw new SessionTableFull(this.limit);
    const opened: Session = { id: `ses_${randomBytes(16).toString('base64url')}`, ...session };
    this.byId.set(opened.id, opened);
    return opened;
  }

  /** The session, even when expired: deciding on an expired session is a deny that says so, not "unknown". */
  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  close(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Drops sessions whose credential ended more than `graceMs` ago (they can only be denied anyway). */
  sweepExpired(graceMs = 0): number {
    const cutoff = this.clock() - graceMs;
    let dropped = 0;
    for (const [id, s] of this.byId) {
      if (s.expiresAtMs <= cutoff) {
        this.byId.delete(id);
        dropped++;
      }
    }
    return dropped;
  }
}
