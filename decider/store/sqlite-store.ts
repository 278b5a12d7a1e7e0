// The embedded Store: one SQLite file, one writer connection (the group-commit writer's alone, since a
// transaction belongs to a connection, not to a caller) and one reader connection for everything else.
import {
  insertApproval,
  insertApprovalEvent,
  selectApproval,
  selectApprovals,
  selectApprovalsFor,
  validApproval,
} from './approvals.js';
import { contentOfEntry, requiredString, stringOrEmpty } from './audit-row.js';
import { exportRecords, listRecords, verifyChain } from './audit.js';
import { StoreError } from './errors.js';
import { GroupCommitWriter, readHead } from './group-commit.js';
import type {
  ApprovalRecord,
  ApprovalTransition,
  AuditEntry,
  AuditFilter,
  AuditHead,
  AuditReceipt,
  AuditRecord,
  DecisionEntry,
  DecisionReceipt,
  NewApproval,
  NewTask,
  Revocation,
  Store,
  TaskRecord,
  VerifyResult,
} from './index.js';
import { RevocationCache } from './revocation-cache.js';
import { configureConnection, migrate } from './schema.js';
import { SqliteConnection } from './sqlite.js';
import {
  insertRevocation,
  insertTask,
  revokedTaskReason,
  selectRevocationsAfter,
  selectTask,
  selectTasks,
  validTask,
} from './tasks.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created if missing. */
  readonly file: string;
  /** Source of record and revocation times; tests pin it. Default: the system clock. */
  readonly clock?: () => Date;
  /** Most appends per transaction. Default 512. */
  readonly maxBatch?: number;
  /** How long to wait for a lock held by another process (a CLI reader, another decider). Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const connections: SqliteConnection[] = [];
  try {
    const connect = async (): Promise<SqliteConnection> => {
      const db = await SqliteConnection.open(options.file, { busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
      connections.push(db);
      await configureConnection(db);
      return db;
    };
    const writerDb = await connect();
    await migrate(writerDb);
    const readerDb = await connect();
    const clock = options.clock ?? (() => new Date());
    const writer = GroupCommitWriter.create(writerDb, { maxBatch: options.maxBatch ?? 512, clock });
    return new SqliteStore(writerDb, readerDb, writer, clock);
  } catch (err) {
    await Promise.all(connections.map((db) => db.close().catch(() => undefined)));
    if (err instanceof StoreError) throw err;
    throw new StoreError('store_unavailable', `cannot open ${options.file}: ${(err as Error).message}`, { cause: err });
  }
}

class SqliteStore implements Store {
  private readonly revocations: RevocationCache;
  private closed = false;

  constructor(
    private readonly writerDb: SqliteConnection,
    private readonly readerDb: SqliteConnection,
    private readonly writer: GroupCommitWriter,
    private readonly clock: () => Date,
  ) {
    this.revocations = new RevocationCache({ since: (seq) => selectRevocationsAfter(readerDb, seq) });
  }

  append(entry: AuditEntry): Promise<AuditReceipt> {
    try {
      return this.writer.append(contentOfEntry(entry));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  appendDecision(entry: DecisionEntry): Promise<DecisionReceipt> {
    try {
      if (entry?.kind !== 'decision') throw new StoreError('invalid_record', 'appendDecision takes a decision entry');
      const content = contentOfEntry(entry);
      const denial = (revocation: Revocation) => {
        const reason = revokedTaskReason({ id: content.task_id as string, name: entry.taskName }, revocation);
        return contentOfEntry({ ...entry, verdict: 'deny', reasons: [reason], masks: [] });
      };
      return this.writer.appendChecked(content, content.task_id as string | null, denial);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  verify(): Promise<VerifyResult> {
    return this.read(() => verifyChain(this.readerDb));
  }

  list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return this.read(() => listRecords(this.readerDb, filter));
  }

  async *export(): AsyncIterable<AuditRecord> {
    this.ensureOpen();
    yield* exportRecords(this.readerDb);
  }

  head(): Promise<AuditHead> {
    return this.read(() => readHead(this.readerDb));
  }

  async issueTask(task: NewTask): Promise<AuditReceipt> {
    const valid = validTask(task);
    return this.writer.transact((tx) => insertTask(tx, valid));
  }

  getTask(id: string): Promise<TaskRecord | undefined> {
    return this.read(() => selectTask(this.readerDb, id));
  }

  listTasks(): Promise<TaskRecord[]> {
    return this.read(() => selectTasks(this.readerDb));
  }

  async revokeTask(id: string, by: string, reason: string): Promise<AuditReceipt> {
    const request = {
      id: requiredString(id, 'id'),
      by: requiredString(by, 'by'),
      reason: stringOrEmpty(reason, 'reason'),
      at: this.clock().toISOString(),
    };
    const receipt = await this.writer.transact((tx) => insertRevocation(tx, request));
    this.revocations.remember(request.id);
    return receipt;
  }

  isRevoked(id: string): Promise<boolean> {
    return this.read(() => this.revocations.isRevoked(id));
  }

  async createApproval(approval: NewApproval): Promise<AuditReceipt> {
    const valid = validApproval(approval);
    return this.writer.transact((tx) => insertApproval(tx, valid));
  }

  getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return this.read(() => selectApproval(this.readerDb, id));
  }

  listApprovals(limit?: number): Promise<ApprovalRecord[]> {
    return this.read(() => selectApprovals(this.readerDb, limit));
  }

  findApprovals(resource: string, fingerprint: string): Promise<ApprovalRecord[]> {
    return this.read(() => selectApprovalsFor(this.readerDb, resource, fingerprint));
  }

  async recordApprovalEvent(id: string, decide: (current: ApprovalRecord) => ApprovalTransition): Promise<ApprovalRecord> {
    return this.writer.transact((tx) => insertApprovalEvent(tx, requiredString(id, 'id'), decide));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    await Promise.all([this.writerDb.close(), this.readerDb.close()]);
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    this.ensureOpen();
    return query();
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the store is closed');
  }
}
