// A small promise wrapper over the `sqlite3` package: the store needs nothing but run/get/all/exec and
// prepared statements, each awaited, so that ordering inside a transaction is explicit in the code.
import sqlite3 from 'sqlite3';

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
  constructor(private readonly statement: sqlite3.Statement) {}

  run(params: SqlParams): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.statement.run(params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  all<Row>(params: SqlParams): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.statement.all<Row>(params, (err: Error | null, rows: Row[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  finalize(): Promise<void> {
    return new Promise((resolve) => this.statement.finalize(() => resolve()));
  }
}

export class SqliteConnection {
  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string, options: OpenOptions): Promise<SqliteConnection> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) => {
        if (err) {
          reject(err);
          return;
        }
        db.configure('busyTimeout', options.busyTimeoutMs);
        resolve(new SqliteConnection(db));
      });
    });
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get<Row>(sql, params, (err: Error | null, row: Row) => (err ? reject(err) : resolve(row)));
    });
  }

  all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.db.all<Row>(sql, params, (err: Error | null, rows: Row[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  /**
   * Runs several `;`-separated statements without parameters (schema scripts). One trip to the sqlite3 worker
   * thread, where run/get/all make two (prepare, then step): the cheapest way to say BEGIN or COMMIT.
   */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  prepare(sql: string): Promise<PreparedStatement> {
    return new Promise((resolve, reject) => {
      const statement = this.db.prepare(sql, (err: Error | null) =>
        err ? reject(err) : resolve(new PreparedStatement(statement)),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.close((err) => (err ? reject(err) : resolve()));
    });
  }
}
