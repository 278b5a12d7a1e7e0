// The store thread (./threaded-store.ts starts it): opens the SQLite store and answers calls from the main thread.
// Replies that settle in one turn of this thread's event loop (a group commit's whole batch) go back as one message.
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from './errors.js';
import type { AuditRecord, Store } from './index.js';
import { openSqliteStore } from './sqlite-store.js';
import {
  wireError,
  type StoreCall,
  type StoreReply,
  type StoreThreadApi,
  type StoreThreadMessage,
  type StoreThreadOptions,
} from './threaded-store.js';

/** The refusal that tells recordApprovalEventAfter another event came first; it never leaves this thread. */
const MOVED = 'taskgate:approval-moved';

function serve(store: Store): StoreThreadApi {
  const exports = new Map<number, AsyncIterator<AuditRecord>>();
  return {
    append: (entry) => store.append(entry),
    appendDecision: (entry) => store.appendDecision(entry),
    verify: () => store.verify(),
    list: (filter) => store.list(filter),
    head: () => store.head(),
    issueTask: (task) => store.issueTask(task),
    getTask: (id) => store.getTask(id),
    listTasks: () => store.listTasks(),
    revokeTask: (id, by, reason) => store.revokeTask(id, by, reason),
    isRevoked: (id) => store.isRevoked(id),
    createApproval: (approval) => store.createApproval(approval),
    getApproval: (id) => store.getApproval(id),
    listApprovals: (limit) => store.listApprovals(limit),
    findApprovals: (resource, fingerprint) => store.findApprovals(resource, fingerprint),
    async recordApprovalEventAfter(id, eventCount, event) {
      try {
        return await store.recordApprovalEvent(id, (current) =>
          current.events.length === eventCount ? { event } : { refuse: MOVED },
        );
      } catch (err) {
        if (err instanceof StoreError && err.code === 'approval_refused' && err.message === MOVED) return 'moved';
        throw err;
      }
    },
    async exportNext(cursor, limit) {
      let records = exports.get(cursor);
      if (records === undefined) {
        records = store.export()[Symbol.asyncIterator]();
        exports.set(cursor, records);
      }
      const page: AuditRecord[] = [];
      while (page.length < limit) {
        const next = await records.next();
        if (next.done) {
          exports.delete(cursor);
          return { records: page, done: true };
        }
        page.push(next.value);
      }
      return { records: page, done: false };
    },
    async exportEnd(cursor) {
      await exports.get(cursor)?.return?.();
      exports.delete(cursor);
    },
    close: () => store.close(),
  };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const send = (message: StoreThreadMessage) => port.postMessage(message);
  let store: Store;
  try {
    store = await openSqliteStore(workerData as StoreThreadOptions);
  } catch (err) {
    send({ kind: 'failed', error: wireError(err) });
    return;
  }
  const api = serve(store);
  let replies: StoreReply[] = [];
  const reply = (answer: StoreReply) => {
    replies.push(answer);
    if (replies.length > 1) return;
    setImmediate(() => {
      const batch = replies;
      replies = [];
      send({ kind: 'replies', replies: batch });
    });
  };
  port.on('message', (calls: readonly StoreCall[]) => {
    for (const { id, method, args } of calls) {
      let result: Promise<unknown>;
      try {
        if (!Object.hasOwn(api, method)) throw new Error(`the store thread has no method ${String(method)}`);
        result = (api[method] as (...a: readonly unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        (value) => reply({ id, ok: true, value }),
        (err) => reply({ id, ok: false, error: wireError(err) }),
      );
    }
  });
  send({ kind: 'ready' });
}

await main();
