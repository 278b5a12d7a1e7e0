// Holding an operation while people decide whether it may run, for any shim: the Postgres shim renders the notice
// as a NoticeResponse and the outcome as an ErrorResponse, an SSH shim would write stderr lines, an HTTP shim a 202.
// This module only watches the approval requests the decider named, asks the decider again once they are approved,
// and gives up (saying why) when a request ends otherwise, when the wait is over, or when the client goes away.
// Nothing here lets an operation through: the caller runs it only on the re-asked decision, and only if it allows.
import { formatDuration } from '../decider/identity/duration.js';

/** An approval request's state as the decider reports it (taskgate.v1.ApprovalReply). */
export interface ApprovalState {
  readonly approval_id: string;
  /** pending | approved | denied | expired | withdrawn | used */
  readonly status: string;
  readonly approved_by: readonly string[];
  readonly denied_by: string;
  /** The whole request as JSON, with its events (who acted, when, why). */
  readonly approval_json: string;
  /** Set instead of a state when the decider refused the call. */
  readonly error_code: string;
  readonly error_message: string;
}

/** What the hold needs from a decider client. */
export interface ApprovalWatcher {
  /**
   * Resolves with the request's state once it is no longer pending. Rejects with WatchRefused when the decider
   * will never answer this watch (unknown request, an older decider); any other rejection is taken as the decider
   * being unreachable for now, and the watch is made again. Aborting `signal` cancels the call, which withdraws a
   * still pending request asked for by `sessionId`.
   */
  watchApproval(approvalId: string, sessionId: string, signal: AbortSignal): Promise<ApprovalState>;
}

export class WatchRefused extends Error {
  override name = 'WatchRefused';
}

/** A request the decider recorded for a held operation: what it waits for and who can end the wait. */
export interface PendingApproval {
  readonly id: string;
  /** The policy's reasons for holding the operation. */
  readonly reasons: readonly string[];
  /** `group:dba`, `user:alice`: who may approve. */
  readonly approvers: readonly string[];
  /** How many distinct people other than the requester must approve. */
  readonly min: number;
  /** `once` or `window`. */
  readonly scope: string;
  /** RFC 3339: when the request expires if nobody decides; absent when the decider did not say. */
  readonly expiresAt?: string;
}

/** What the client is told while its operation waits. */
export interface HoldNotice {
  readonly approvals: readonly PendingApproval[];
  /** How long the shim waits at most. */
  readonly waitMs: number;
}

export interface Hold<D> {
  readonly approvals: readonly PendingApproval[];
  /** The decider session to watch from: read at each watch, since a decider restart gives the shim a new one. */
  sessionId(): string;
  readonly waitMs: number;
  /** Aborted when the client cancels or goes away: the hold ends and the requests are withdrawn. */
  readonly signal: AbortSignal;
  /** Tells the client that its operation waits, once, before waiting. */
  notify(notice: HoldNotice): void;
  /** Asks the decider again about the same operation, naming the approvals, once every request is approved. */
  redecide(): Promise<D>;
}

export type HoldOutcome<D> =
  /** Every request was approved; `decision` is the decider's new answer, which alone says whether it runs. */
  | { readonly kind: 'approved'; readonly decision: D }
  /** Denied, expired, withdrawn, used elsewhere, not decided in time, or not watchable: `reason` says which. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The client cancelled or went away while waiting. */
  | { readonly kind: 'cancelled'; readonly reason: string };

/** How long a held operation waits when the shim's configuration does not say. */
export const DEFAULT_APPROVAL_WAIT_MS = 5 * 60_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2_000;

/** Holds the operation until every request in `hold.approvals` is decided, then re-asks; see HoldOutcome. */
export async function holdForApproval<D>(watcher: ApprovalWatcher, hold: Hold<D>): Promise<HoldOutcome<D>> {
  // Two statements of one batch that are the same operation wait on the same request.
  const approvals = [...new Map(hold.approvals.map((a) => [a.id, a])).values()];
  const ids = approvals.map((a) => a.id);
  if (ids.length === 0) return { kind: 'refused', reason: 'the decider held this operation without naming an approval request' };
  if (hold.signal.aborted) return { kind: 'cancelled', reason: cancelledReason(ids, hold.signal) };
  hold.notify({ approvals, waitMs: hold.waitMs });
  const stop = new AbortController();
  const onClientGone = () => stop.abort();
  hold.signal.addEventListener('abort', onClientGone, { once: true });
  const timer = setTimeout(() => stop.abort(), hold.waitMs);
  try {
    const ended = await firstRefusalOrAll(ids.map((id) => watchUntilDecided(watcher, id, hold.sessionId, stop.signal)));
    if (hold.signal.aborted) return { kind: 'cancelled', reason: cancelledReason(ids, hold.signal) };
    if (ended !== 'approved') return { kind: 'refused', reason: ended.refusal };
    return { kind: 'approved', decision: await hold.redecide() };
  } finally {
    clearTimeout(timer);
    hold.signal.removeEventListener('abort', onClientGone);
    // Ends the other watches after the first refusal: their requests are withdrawn, as the operation will not run.
    stop.abort();
  }
}

type Watched = 'approved' | { refusal: string };

/** Resolves when all are approved, or with the first refusal as soon as there is one. */
function firstRefusalOrAll(watches: Promise<Watched>[]): Promise<Watched> {
  return new Promise((resolve) => {
    let approved = 0;
    for (const watch of watches) {
      void watch.then((w) => {
        if (w !== 'approved') return resolve(w);
        if (++approved === watches.length) resolve('approved');
      });
    }
  });
}

/** Watches one request, again after each failed call (a decider restart), until it is decided or `stop` aborts. */
async function watchUntilDecided(watcher: ApprovalWatcher, id: string, sessionId: () => string, stop: AbortSignal): Promise<Watched> {
  let retryMs = RETRY_FIRST_MS;
  let lastFailure: string | undefined;
  // Whether the wait ended during a watch call, whose cancel withdraws the request, or while the decider was away.
  let endedWatching = false;
  const started = Date.now();
  while (!stop.aborted) {
    try {
      const state = await watcher.watchApproval(id, sessionId(), stop);
      if (state.error_code !== '') return { refusal: `approval ${id} cannot be watched: ${state.error_message || state.error_code}` };
      if (state.status === 'approved') return 'approved';
      if (state.status !== 'pending') return { refusal: endedReason(state) };
      lastFailure = 'a watch ended while the request was still pending';
    } catch (e) {
      if (stop.aborted) {
        endedWatching = true;
        break;
      }
      if (e instanceof WatchRefused) return { refusal: `approval ${id} cannot be watched: ${e.message}` };
      lastFailure = (e as Error).message;
    }
    await sleep(retryMs, stop);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }
  const waited = formatWait(Date.now() - started);
  const unreachable = lastFailure === undefined ? '' : `; watching it failed at times (${lastFailure})`;
  const after = endedWatching ? 'the request is withdrawn' : 'the request stays until it expires';
  return { refusal: `approval ${id} was not decided within ${waited}, the longest this shim waits${unreachable}; ${after}` };
}

/** Why a request that is no longer pending does not let the operation run, with who and why when recorded. */
function endedReason(state: ApprovalState): string {
  const id = state.approval_id;
  const event = lastEvent(state.approval_json, state.status);
  const why = event?.reason ? `: ${event.reason}` : '';
  switch (state.status) {
    case 'denied':
      return `approval ${id} was denied by ${state.denied_by || event?.actor || 'an approver'}${why}`;
    case 'expired':
      return `approval ${id} expired${why}`;
    case 'withdrawn':
      return `approval ${id} was withdrawn${why}`;
    case 'used':
      return `approval ${id} was already used: run the statement again to ask for a new approval`;
    default:
      return `approval ${id} ended in an unknown state ${JSON.stringify(state.status)}`;
  }
}

/** The newest event of the request that moved it to `action`, read from approval_json when it holds events. */
function lastEvent(approvalJson: string, action: string): { actor?: string; reason?: string } | undefined {
  try {
    const events = (JSON.parse(approvalJson) as { events?: unknown }).events;
    if (!Array.isArray(events)) return undefined;
    const matching = events.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && e.action === action);
    const event = matching[matching.length - 1];
    if (event === undefined) return undefined;
    return {
      ...(typeof event.actor === 'string' ? { actor: event.actor } : {}),
      ...(typeof event.reason === 'string' ? { reason: event.reason } : {}),
    };
  } catch {
    return undefined;
  }
}

function cancelledReason(ids: readonly string[], signal: AbortSignal): string {
  const why = signal.reason instanceof Error ? signal.reason.message : 'the client went away';
  return `${why} while the statement waited for approval ${ids.join(', ')}; the request is withdrawn`;
}

/** The text a client sees while its operation waits: the request, what it waits for, and the command to approve. */
export function holdMessage(notice: HoldNotice): { message: string; detail: string; hint: string } {
  const ids = notice.approvals.map((a) => a.id);
  const message = `waiting up to ${formatWait(notice.waitMs)} for approval ${ids.join(', ')}`;
  const detail = notice.approvals
    .map((a) => {
      const who = a.approvers.length > 0 ? a.approvers.join(' or ') : 'an approver';
      const people = a.min === 1 ? `1 approval by ${who}` : `${a.min} approvals by different people among ${who}`;
      const until = a.expiresAt ? `, until ${a.expiresAt}` : '';
      return `${a.id} needs ${people} (scope ${a.scope}${until}): ${a.reasons.join('; ')}`;
    })
    .join('\n');
  const hint = ids.map((id) => `taskgate approve ${id} --token APPROVER_TOKEN (or taskgate deny ${id} --token ...)`).join('\n');
  return { message, detail, hint: `An approver runs: ${hint}` };
}

/** `5m`, `90s`: how long, for people. */
function formatWait(ms: number): string {
  return formatDuration(Math.round(ms / 1000));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
