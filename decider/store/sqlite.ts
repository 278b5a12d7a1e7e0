// A small promise-shaped wrapper over `better-sqlite3`: the store needs nothing but run/get/all/exec and prepared
// statements, each awaited, so that ordering inside a transaction is explicit in the code. The driver itself is
// synchronous: a statement runs on the calling thread (the decider's store thread, ./threaded-store.ts) with no
// hop to a thread pool and back, which is where an asynchronous driver spent most of a group commit's time.
import Database from 'better-sqlite3';

/** A value SQLite binds or returns for the column types the store uses. */
export type SqlValue = string | number | null;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  readonly changes: number;
  readonly lastId: number;
}

export interface OpenOptions {
  /** Milliseconds to wait for another connection's lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
}

export class PreparedStatement {
  constructor(private readonly statement: Database.Statement) {}

  run(params: SqlParams): Promise<RunResult> {
    return settle(() => runResult(this.statement.run(params)));
  }

  all<Row>(params: SqlParams): Promise<Row[]> {
    return settle(() => this.statement.all(params) as Row[]);
  }

  /** Nothing to release: better-sqlite3 finalizes statements with their connection. */
  finalize(): Promise<void> {
    return Promise.resolve();
  }
}

export class SqliteConnection {
  private constructor(private readonly db: Database.Database) {}

  /**
   * Waiting for another connection's lock blocks the calling thread (up to busyTimeoutMs): harmless for the
   * store thread and the CLI, but two connections on one thread must never wait on each other's transaction.
   */
  static open(file: string, options: OpenOptions): Promise<SqliteConnection> {
    return settle(() => new SqliteConnection(new Database(file, { timeout: options.busyTimeoutMs })));
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return settle(() => runResult(this.db.prepare(sql).run(params)));
  }

  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    return settle(() => this.db.prepare(sql).get(params) as Row | undefined);
  }

  all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    return settle(() => this.db.prepare(sql).all(params) as Row[]);
  }

  /** Runs several `;`-separated statements without parameters (schema scripts, BEGIN, COMMIT). */
  exec(sql: string): Promise<void> {
    return settle(() => {
      this.db.exec(sql);
    });
  }

  prepare(sql: string): Promise<PreparedStatement> {
    return settle(() => new PreparedStatement(this.db.prepare(sql)));
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }
}

/** A synchronous call as a promise: its error a rejection, never a throw, as the store's callers expect. */
function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(err);
  }
}

function runResult(info: Database.RunResult): RunResult {
  return { changes: info.changes, lastId: Number(info.lastInsertRowid) };
}
