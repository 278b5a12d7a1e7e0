// A session's decisions, reused for a short lease. The same statement shape asked about again within the lease
// gets the decision the decider gave (each answer was audited when it was given); once the lease is over the
// decider is asked again, so a revoked task or a reloaded policy reaches the session within one lease. A lease in
// use is renewed in the background shortly before it ends, so a busy shape does not wait for the decider each
// lease; no decision is ever used past its own lease.
import type { PostgresOperation } from './analyze/operation.js';
import type { Ask, Decision } from './decisions.js';

export const DEFAULT_DECISION_LEASE_MS = 1_000;
const CAPACITY = 256;
/** The part of a lease, at its end, in which a use asks the decider again in the background. */
const RENEW_WITHIN = 0.25;

export type DecideFunction = (operation: PostgresOperation, ask: Ask) => Promise<Decision>;

export interface LeasedDecision {
  readonly decision: Decision;
  /** Until when (epoch ms) it may be used without asking again. */
  readonly until: number;
  /** Whether it came from the lease rather than from the decider. */
  readonly reused: boolean;
}

export class DecisionLeases {
  /** By operation document, least recently stored first. */
  private readonly leases = new Map<string, { decision: Decision; until: number; renewing: boolean }>();

  constructor(
    private readonly ask: DecideFunction,
    private readonly leaseMs: number,
    /** When the session's credential expires (epoch ms): no lease outlives it. */
    private readonly credentialExpiresAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  async decide(operation: PostgresOperation, ask: Ask = {}): Promise<LeasedDecision> {
    const leased = this.leased(operation, ask);
    if (leased !== undefined) return leased;
    const key = leaseKey(operation);
    this.leases.delete(key);
    return { ...(await this.askAndLease(key, operation, ask)), reused: false };
  }

  /** The decision leased for this operation, without waiting; undefined when the decider must be asked. */
  leased(operation: PostgresOperation, ask: Ask = {}): LeasedDecision | undefined {
    const key = leaseKey(operation);
    const now = this.now();
    const leased = this.leases.get(key);
    if (leased === undefined || leased.until <= now) return undefined;
    if (!leased.renewing && leased.until - now < this.leaseMs * RENEW_WITHIN) {
      leased.renewing = true;
      void this.askAndLease(key, operation, ask);
    }
    return { decision: leased.decision, until: leased.until, reused: true };
  }

  /** Asks the decider; the answer replaces the lease (or, when it may not be leased, ends it). */
  private async askAndLease(key: string, operation: PostgresOperation, ask: Ask): Promise<{ decision: Decision; until: number }> {
    const asked = this.now();
    const decision = await this.ask(operation, ask);
    // The lease runs from when the question was asked: the answer is at most that old when it is last used.
    const until = Math.min(asked + this.leaseMs, this.credentialExpiresAt);
    if (!isLeasable(decision) || until <= this.now()) {
      this.leases.delete(key);
      return { decision, until: asked };
    }
    this.leases.delete(key);
    this.leases.set(key, { decision, until, renewing: false });
    if (this.leases.size > CAPACITY) this.leases.delete(this.leases.keys().next().value!);
    return { decision, until };
  }
}

/** Keys of operations already seen: a shape's analysis is cached, so the same object comes back for each run. */
const keys = new WeakMap<PostgresOperation, string>();

/** The decider sees exactly these fields (per statement): equal keys mean equal questions. */
function leaseKey(operation: PostgresOperation): string {
  let key = keys.get(operation);
  if (key === undefined) {
    key = JSON.stringify([operation.text, operation.fingerprint, operation.statements]);
    keys.set(operation, key);
  }
  return key;
}

/**
 * A held statement must be asked about each time, and an allow that used an approval is good for that run only
 * (an approval may admit exactly one run): neither is leased.
 */
function isLeasable(decision: Decision): boolean {
  return decision.verdict !== 'require_approval' && decision.approvals === undefined;
}
