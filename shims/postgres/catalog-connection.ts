// A connection of the shim's own, used only for catalog lookups (PostgresCatalog's QueryFunction). It runs with an
// empty search_path so view definitions come back schema-qualified. One per shim, shared by every session; queries
// run one after another; a broken connection is dropped and the next query logs in again.
import type { DatabaseError, DataRowMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import type { QueryFunction } from './analyze/postgres-catalog.js';
import * as frontend from './protocol/frontend-serializer.js';
import type { ScramPassword } from './protocol/scram.js';
import { BackendType, decodeBackend, type BackendFrame } from './backend-frames.js';
import type { UpstreamConfig } from './config.js';
import { loginUpstream, UpstreamError, type UpstreamLogin } from './upstream.js';

interface Pending {
  rows: Array<Record<string, unknown>>;
  columns: string[];
  error?: Error;
  resolve: (rows: Array<Record<string, unknown>>) => void;
  reject: (e: Error) => void;
}

export class CatalogConnection {
  private login: Promise<UpstreamLogin> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;

  constructor(
    private readonly config: UpstreamConfig,
    private readonly scramPassword: ScramPassword | undefined,
  ) {}

  readonly query: QueryFunction = (sql, params) => {
    const run = this.tail.then(() => this.run(sql, params));
    this.tail = run.catch(() => undefined);
    return run;
  };

  close(): void {
    void this.login?.then((l) => l.socket.destroy(), () => undefined);
    this.login = undefined;
  }

  private async run(sql: string, params: readonly unknown[]): Promise<Array<Record<string, unknown>>> {
    const login = await this.connection();
    return new Promise((resolve, reject) => {
      this.pending = { rows: [], columns: [], resolve, reject };
      const values = params.map((p) => (p === null || p === undefined ? null : Buffer.from(String(p), 'utf8')));
      login.socket.write(
        Buffer.concat([
          frontend.parse({ statement: '', text: sql, paramTypes: [] }),
          frontend.bind({ portal: '', statement: '', paramFormats: [], values, resultFormats: [] }),
          frontend.describe('P', ''),
          frontend.execute(''),
          frontend.sync(),
        ]),
      );
    });
  }

  private connection(): Promise<UpstreamLogin> {
    if (!this.login) {
      const login = loginUpstream(this.config, this.scramPassword, new Map([['search_path', ''], ['application_name', 'taskgate-catalog']]));
      this.login = login;
      login.then(
        (l) => this.attach(l),
        () => (this.login = undefined),
      );
    }
    return this.login;
  }

  private attach(login: UpstreamLogin): void {
    const fail = (e: Error) => {
      this.login = undefined;
      login.socket.destroy();
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(e);
    };
    login.socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of login.framer.push(chunk)) this.onFrame(frame);
      } catch (e) {
        fail(e as Error);
      }
    });
    login.socket.on('error', (e) => fail(new UpstreamError(`catalog connection failed: ${e.message}`)));
    login.socket.on('close', () => fail(new UpstreamError('Postgres closed the catalog connection')));
  }

  private onFrame(frame: BackendFrame): void {
    const pending = this.pending;
    if (!pending) return;
    if (frame.code === BackendType.rowDescription) {
      pending.columns = decodeBackend<RowDescriptionMessage>(frame).fields.map((f) => f.name);
    } else if (frame.code === BackendType.dataRow) {
      const { fields } = decodeBackend<DataRowMessage>(frame);
      pending.rows.push(Object.fromEntries(pending.columns.map((name, i) => [name, fields[i]])));
    } else if (frame.code === BackendType.errorResponse) {
      pending.error = new UpstreamError(`catalog query failed: ${decodeBackend<DatabaseError>(frame).message}`);
    } else if (frame.code === BackendType.readyForQuery) {
      this.pending = undefined;
      if (pending.error) pending.reject(pending.error);
      else pending.resolve(pending.rows);
    }
  }
}
