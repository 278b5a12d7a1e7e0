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

/** Why a session was not opened: the whole table is full, or the credential's holder has its share of it. */
export class SessionLimitReached extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionLimitReached';
  }
}

/**
 * Sessions are cheap to open (one valid token) and last until the credential ends, so one holder (one task, or
 * one person without a task) may hold only `perHolderLimit` of them: a leaked or misused narrow token can fill
 * its own share, never the table every other shim needs.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly perHolder = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly perHolderLimit: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  open(session: NewSession): Session {
    const holder = holderOf(session);
    if (this.byId.size >= this.limit || this.held(holder) >= this.perHolderLimit) this.sweepExpired();
    if (this.byId.size >= this.limit) {
      throw new SessionLimitReached(`the decider holds ${this.limit} open sessions already; shims must close sessions their clients left`);
    }
    if (this.held(holder) >= this.perHolderLimit) {
      throw new SessionLimitReached(
        `${describeHolder(session)} holds ${this.perHolderLimit} open sessions already, the most one holder may: ` +
          'close sessions no longer used (shims close a session when its client disconnects), or wait for them to expire',
      );
    }
    const opened: Session = { id: `ses_${randomBytes(16).toString('base64url')}`, ...session };
    this.byId.set(opened.id, opened);
    this.perHolder.set(holder, this.held(holder) + 1);
    return opened;
  }

  /** The session, even when expired: deciding on an expired session is a deny that says so, not "unknown". */
  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  close(id: string): boolean {
    const session = this.byId.get(id);
    if (session === undefined) return false;
    this.forget(id, session);
    return true;
  }

  /** Drops sessions whose credential ended more than `graceMs` ago (they can only be denied anyway). */
  sweepExpired(graceMs = 0): number {
    const cutoff = this.clock() - graceMs;
    let dropped = 0;
    for (const [id, s] of this.byId) {
      if (s.expiresAtMs <= cutoff) {
        this.forget(id, s);
        dropped++;
      }
    }
    return dropped;
  }

  private held(holder: string): number {
    return this.perHolder.get(holder) ?? 0;
  }

  private forget(id: string, session: Session): void {
    this.byId.delete(id);
    const holder = holderOf(session);
    const left = this.held(holder) - 1;
    if (left > 0) this.perHolder.set(holder, left);
    else this.perHolder.delete(holder);
  }
}

/** Who a session's credential speaks for: the task when there is one, else the identity. */
function holderOf(session: NewSession): string {
  return JSON.stringify([session.identity.issuer, session.identity.subject, session.task?.id ?? null]);
}

function describeHolder(session: NewSession): string {
  const who = `${session.identity.subject} (${session.identity.issuer})`;
  return session.task === undefined ? who : `task ${session.task.name} (${session.task.id}) of ${who}`;
}
