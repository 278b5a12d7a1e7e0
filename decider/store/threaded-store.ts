// The Store on a thread of its own. Writing an audit record costs the thread that does it more than deciding the
// operation does (canonical JSON, the chain hash, binding the row for SQLite, and a hop to SQLite's thread pool
// per statement), so the decider keeps all of it off the thread that decodes requests and evaluates policies:
// the two then use the machine's two cores instead of taking turns on one.
//
// Calls made together travel as one message, and so do the replies settled together (a group commit settles a
// whole batch at once): a message costs about what one call costs.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script.js';
import { decidedEvent } from './approvals.js';
import { StoreError, type StoreErrorCode } from './errors.js';
import type {
  ApprovalRecord,
  ApprovalTransition,
  AuditRecord,
  NewApprovalEvent,
  Store,
} from './index.js';
import type { SqliteStoreOptions } from './sqlite-store.js';

/** What the store thread serves: the Store's methods that take and return data, and two that replace the rest. */
export interface StoreThreadApi {
  append: Store['append'];
  appendDecision: Store['appendDecision'];
  verify: Store['verify'];
  list: Store['list'];
  head: Store['head'];
  issueTask: Store['issueTask'];
  getTask: Store['getTask'];
  listTasks: Store['listTasks'];
  revokeTask: Store['revokeTask'];
  isRevoked: Store['isRevoked'];
  createApproval: Store['createApproval'];
  getApproval: Store['getApproval'];
  listApprovals: Store['listApprovals'];
  findApprovals: Store['findApprovals'];
  /**
   * Commits `event` on approval `id` if the approval still has `eventCount` events, else answers `moved`: a
   * function cannot cross threads, so recordApprovalEvent decides here and commits there, if nothing came between.
   */
  recordApprovalEventAfter(id: string, eventCount: number, event: NewApprovalEvent): Promise<ApprovalRecord | 'moved'>;
  /** The next `limit` records of export cursor `cursor` (opened by its first call); `done` once it is exhausted. */
  exportNext(cursor: number, limit: number): Promise<{ readonly records: AuditRecord[]; readonly done: boolean }>;
  /** Forgets an export cursor the reader stopped early. */
  exportEnd(cursor: number): Promise<void>;
  close(): Promise<void>;
}

export type StoreThreadMethod = keyof StoreThreadApi;

export interface StoreCall {
  readonly id: number;
  readonly method: StoreThreadMethod;
  readonly args: readonly unknown[];
}

/** An error as it crosses the thread boundary: a StoreError keeps its code. */
export interface WireError {
  readonly code?: StoreErrorCode;
  readonly message: string;
}

export type StoreReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

export type StoreThreadMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: WireError }
  | { readonly kind: 'replies'; readonly replies: readonly StoreReply[] };

/** What the thread opens; the clock stays the system's (a function cannot cross threads). */
export type StoreThreadOptions = Omit<SqliteStoreOptions, 'clock'>;

export function wireError(error: unknown): WireError {
  if (error instanceof StoreError) return { code: error.code, message: error.message };
  return { message: (error as Error)?.message ?? String(error) };
}

function errorOfWire(error: WireError): Error {
  return error.code === undefined ? new Error(error.message) : new StoreError(error.code, error.message);
}

/**
 * How a store's thread is doing. A thread that stopped on its own (a crash, running out of memory) takes the open
 * database with it: every later call fails with `store_unavailable`, and only a restart of the decider brings the
 * store back.
 */
export interface StoreThreadHealth {
  /** Why the store cannot be used (its thread stopped, or it was closed), or undefined while it serves. */
  problem(): string | undefined;
  /** Settles with the problem when the thread stops on its own; a close() never settles it. */
  readonly stopped: Promise<string>;
}

/** The health of a store that runs on a thread of its own; undefined for one that runs on the caller's thread. */
export function storeThreadHealth(store: Store): StoreThreadHealth | undefined {
  return store instanceof ThreadedStore ? store.health : undefined;
}

/** Approval events a recordApprovalEvent retries through before it gives up: each retry means another event won. */
const MAX_APPROVAL_ATTEMPTS = 16;
const EXPORT_PAGE = 500;

/** Opens the SQLite store on a new thread; resolves once it is open and migrated, or rejects as openSqliteStore would. */
export async function openThreadedStore(options: StoreThreadOptions): Promise<Store> {
  const script = workerScript('./store-thread', import.meta.url);
  const worker = new Worker(script.url, { ...script.options, workerData: options });
  const channel = new StoreChannel(worker);
  await channel.opened;
  return new ThreadedStore(channel);
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Calls to the store thread and their replies, each batched into as few messages as they allow. */
class StoreChannel implements StoreThreadHealth {
  readonly opened: Promise<void>;
  readonly stopped: Promise<string>;
  private reportStopped: (problem: string) => void = () => undefined;
  private readonly pending = new Map<number, PendingCall>();
  private outbox: StoreCall[] = [];
  private nextId = 1;
  /** Set once the thread is gone: every later call fails with it. */
  private failure: StoreError | null = null;

  constructor(private readonly worker: Worker) {
    this.stopped = new Promise((resolve) => (this.reportStopped = resolve));
    this.opened = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: StoreThreadMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'failed') reject(errorOfWire(message.error));
        else this.settle(message.replies);
      });
      const stop = (why: string) => {
        // After terminate() this is the close completing; otherwise the thread died under its callers.
        const onItsOwn = this.failure === null;
        const failure = new StoreError('store_unavailable', `the store thread stopped (${why}); restart the decider`);
        reject(failure);
        this.fail(failure);
        if (onItsOwn) this.reportStopped(failure.message);
      };
      worker.on('error', (e) => stop(e.message));
      worker.on('exit', (code) => stop(`exit code ${code}`));
    });
    // Held until open: an idle store thread never keeps the process alive, an opening one must.
    this.opened.then(() => this.idle(), () => undefined);
  }

  call<M extends StoreThreadMethod>(method: M, ...args: Parameters<StoreThreadApi[M]>): ReturnType<StoreThreadApi[M]> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.outbox.push({ id, method, args });
      // Posted once the microtasks queued so far have run: the calls made together (a slice of decisions reaching
      // their audit step) go as one message, without waiting for the next turn of the event loop.
      if (this.outbox.length === 1) queueMicrotask(() => this.post());
    }) as ReturnType<StoreThreadApi[M]>;
  }

  problem(): string | undefined {
    return this.failure?.message;
  }

  async terminate(): Promise<void> {
    this.failure ??= new StoreError('store_closed', 'the store is closed');
    await this.worker.terminate();
  }

  private post(): void {
    const calls = this.outbox;
    this.outbox = [];
    if (this.failure !== null) return;
    try {
      this.worker.postMessage(calls);
    } catch {
      // Something in the burst cannot be cloned (a function, a class instance ...): send the calls one by one,
      // so only the unsendable ones are refused, as the store refuses any entry that is not plain data.
      for (const call of calls) this.postOne(call);
    }
  }

  private postOne(call: StoreCall): void {
    try {
      this.worker.postMessage([call]);
    } catch (err) {
      this.settle([{ id: call.id, ok: false, error: { code: 'invalid_record', message: `${call.method}: its arguments are not plain data (${(err as Error).message})` } }]);
    }
  }

  private settle(replies: readonly StoreReply[]): void {
    for (const reply of replies) {
      const call = this.pending.get(reply.id);
      if (call === undefined) continue;
      this.pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(errorOfWire(reply.error));
    }
    this.idle();
  }

  private fail(failure: StoreError): void {
    if (this.failure === null) this.failure = failure;
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
    this.idle();
  }

  /** The thread keeps the process alive only while a call waits on it: an idle store never holds up exit. */
  private idle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }
}

class ThreadedStore implements Store {
  private nextCursor = 1;
  private closed = false;

  constructor(private readonly channel: StoreChannel) {}

  get health(): StoreThreadHealth {
    return this.channel;
  }

  append: Store['append'] = (entry) => this.channel.call('append', entry);
  appendDecision: Store['appendDecision'] = (entry) => this.channel.call('appendDecision', entry);
  verify: Store['verify'] = () => this.channel.call('verify');
  list: Store['list'] = (filter) => this.channel.call('list', filter);
  head: Store['head'] = () => this.channel.call('head');
  issueTask: Store['issueTask'] = (task) => this.channel.call('issueTask', task);
  getTask: Store['getTask'] = (id) => this.channel.call('getTask', id);
  listTasks: Store['listTasks'] = () => this.channel.call('listTasks');
  revokeTask: Store['revokeTask'] = (id, by, reason) => this.channel.call('revokeTask', id, by, reason);
  isRevoked: Store['isRevoked'] = (id) => this.channel.call('isRevoked', id);
  createApproval: Store['createApproval'] = (approval) => this.channel.call('createApproval', approval);
  getApproval: Store['getApproval'] = (id) => this.channel.call('getApproval', id);
  listApprovals: Store['listApprovals'] = (limit) => this.channel.call('listApprovals', limit);
  findApprovals: Store['findApprovals'] = (resource, fingerprint) => this.channel.call('findApprovals', resource, fingerprint);

  /**
   * Decides on the approval as last committed, then commits the event only if no other event came in between
   * (else decides again on the newer state): the same outcome as deciding under the write lock.
   */
  async recordApprovalEvent(id: string, decide: (current: ApprovalRecord) => ApprovalTransition): Promise<ApprovalRecord> {
    for (let attempt = 0; attempt < MAX_APPROVAL_ATTEMPTS; attempt++) {
      const current = await this.getApproval(id);
      if (current === undefined) throw new StoreError('approval_not_found', `no approval ${id}`);
      const event = decidedEvent(id, current, decide);
      const recorded = await this.channel.call('recordApprovalEventAfter', id, current.events.length, event);
      if (recorded !== 'moved') return recorded;
    }
    throw new StoreError('approval_refused', `approval ${id} kept changing while this event was being recorded; try again`);
  }

  async *export(): AsyncIterable<AuditRecord> {
    const cursor = this.nextCursor++;
    let done = false;
    try {
      while (!done) {
        const page = await this.channel.call('exportNext', cursor, EXPORT_PAGE);
        done = page.done;
        yield* page.records;
      }
    } finally {
      if (!done) await this.channel.call('exportEnd', cursor).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // A thread that stopped on its own took the database with it: nothing is left to close but the Worker.
      if (this.channel.problem() === undefined) await this.channel.call('close');
    } finally {
      await this.channel.terminate();
    }
  }
}
