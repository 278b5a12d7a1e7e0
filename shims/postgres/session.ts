// One client connection from its first byte to its close: startup (TLS, the task token as password, a decider
// session, the shim's own login upstream), then every statement analysed and decided before Postgres sees it.
//
// A refusal is made by Postgres itself: the shim sends a harmless statement that fails with a unique marker in
// place of the refused one, and swaps that error for its own. Postgres thus orders the error among the answers to
// pipelined messages, skips what follows until Sync and fails an open transaction exactly as for a real error.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { DatabaseError, DataRowMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import { DeciderCallError, type DeciderClient } from '../../decider/server/client.js';
import { statementAction } from './analyze/action.js';
import { analyzeBatch, AnalysisError, type StatementDescription } from './analyze/index.js';
import { loadParser, parseStatements } from './analyze/parse.js';
import type { PostgresCatalog } from './analyze/postgres-catalog.js';
import * as backend from './protocol/backend-serializer.js';
import { FrontendParser } from './protocol/frontend-parser.js';
import type { Bind, Close, Describe, Execute, FrontendMessage, Parse, Query, StartupMessage } from './protocol/frontend-messages.js';
import * as frontend from './protocol/frontend-serializer.js';
import { readCleartextPassword } from './protocol/password-message.js';
import { ProtocolError } from './protocol/protocol-error.js';
import type { ScramPassword } from './protocol/scram.js';
import { BackendType, decodeBackend, transactionStatusOf, type BackendFrame, type BackendFramer } from './backend-frames.js';
import type { CancelKeys, ClientKey } from './cancel-keys.js';
import { isLoopback, type PostgresShimConfig } from './config.js';
import type { ColumnOrigins } from './column-origins.js';
import { DecisionChannel, type Decision, type MaskRule } from './decisions.js';
import { isMaskMethod, maskDataRow, type MaskMethod } from './masking.js';
import { parseSearchPath } from './search-path.js';
import { StatementBook } from './statements.js';
import { loginUpstream, UpstreamError } from './upstream.js';

export interface ShimServices {
  readonly config: PostgresShimConfig;
  readonly catalog: PostgresCatalog;
  readonly decider: DeciderClient;
  readonly scramPassword: ScramPassword | undefined;
  readonly secureContext: SecureContext | undefined;
  readonly cancelKeys: CancelKeys;
  readonly origins: ColumnOrigins;
  /** Keys the `hash` mask method. */
  readonly hashKey: Buffer;
  log(line: string): void;
}

type Phase = 'startup' | 'password' | 'ready' | 'closed';

/** Startup parameters passed on to Postgres; anything else (options, replication ...) is not the client's to set. */
const FORWARDED_PARAMETERS: ReadonlySet<string> = new Set(['application_name', 'datestyle', 'timezone', 'intervalstyle', 'extra_float_digits']);
/** Commands after which the search_path and current user are known to be unchanged. */
const PATH_PRESERVING_COMMANDS: ReadonlySet<string> = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN', 'BEGIN', 'START',
]);
const MARKER_PREFIX = 'taskgate_denied_';
const MARKER = /taskgate_denied_[0-9a-f]{16}/;
const INSUFFICIENT_PRIVILEGE = '42501';
/** Client messages queued while the shim waits for a decision, before it stops reading from the client. */
const INBOX_HIGH_WATER = 256;
const SESSION_STATE_SQL = "SELECT pg_catalog.current_setting('search_path'), current_user";

interface InternalQuery {
  rows: (string | null)[][];
  error?: string;
  done: (result: { rows: (string | null)[][]; error?: string }) => void;
}

export class ClientSession {
  private phase: Phase = 'startup';
  private client: Socket;
  private encrypted = false;
  private readonly parser = new FrontendParser();
  private readonly inbox: FrontendMessage[] = [];
  private pumping = false;
  private startup: StartupMessage | undefined;
  private decisions: DecisionChannel | undefined;
  private upstream: Socket | undefined;
  private upstreamFramer: BackendFramer | undefined;
  private upstreamOut: Buffer[] = [];
  private clientKey: ClientKey | undefined;
  private readonly book = new StatementBook();
  private skipUntilSync = false;
  /** Query and Sync messages forwarded, and ReadyForQuery answers seen: equal when Postgres owes no answer. */
  private syncsSent = 0;
  private readiesSeen = 0;
  /** Extended-protocol messages forwarded since the last Sync. */
  private openBlock = false;
  private transactionStatus: 'I' | 'T' | 'E' = 'I';
  private readonly idleWaiters: Array<() => void> = [];
  private readonly denials = new Map<string, { error: Buffer; answeredBy: number }>();
  private internal: InternalQuery | undefined;
  private searchPath: string[] = ['$user', 'public'];
  private resetSearchPath: string[] = ['$user', 'public'];
  private currentUser: string | undefined;
  private searchPathStale = false;
  private clearCatalogUntilIdle = false;
  private readonly stats = { statements: 0, allowed: 0, denied: 0, rows: 0, cellsMasked: 0 };
  /** The masks each answer Postgres owes applies, oldest first: one entry per Query, and per Sync-ended block. */
  private readonly responseMasks: MaskRule[][] = [];
  /** Of the result being relayed: the method of each masked column, by index. */
  private columnMethods: Map<number, MaskMethod> | undefined;
  /** A result that could not be masked safely: its frames are dropped until ReadyForQuery. */
  private suppressing = false;
  private lastDescribedPortal: string | undefined;
  private readonly relayQueue: BackendFrame[] = [];
  private relaying = false;

  constructor(
    socket: Socket,
    private readonly services: ShimServices,
  ) {
    this.client = socket;
    socket.setNoDelay(true);
    this.attachClient(socket);
  }

  /** A getter, so checks after an await are not narrowed away by the compiler. */
  private get closed(): boolean {
    return this.phase === 'closed';
  }

  private attachClient(socket: Socket): void {
    socket.on('data', this.onClientData);
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private readonly onClientData = (chunk: Buffer): void => {
    let messages: FrontendMessage[];
    try {
      messages = this.parser.push(chunk);
    } catch (e) {
      if (e instanceof ProtocolError) return this.fatal(e.sqlState, e.message);
      throw e;
    }
    for (const message of messages) {
      // Encryption requests are answered at once: the client waits for the byte before sending anything more.
      if (message.type === 'sslRequest') this.answerSslRequest();
      else if (message.type === 'gssEncRequest') this.client.write(backend.encryptionResponse(false));
      else this.inbox.push(message);
    }
    if (this.inbox.length > INBOX_HIGH_WATER) this.client.pause();
    void this.pump();
  };

  private answerSslRequest(): void {
    const context = this.services.secureContext;
    if (context === undefined || this.phase !== 'startup') {
      this.client.write(backend.encryptionResponse(false));
      return;
    }
    const raw = this.client;
    raw.write(backend.encryptionResponse(true));
    raw.off('data', this.onClientData);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.client = tls;
    this.encrypted = true;
    this.attachClient(tls);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        await this.handle(this.inbox.shift()!);
        if (this.inbox.length <= INBOX_HIGH_WATER / 2 && this.client.isPaused()) this.client.resume();
      }
      this.flushUpstream();
    } catch (e) {
      if (e instanceof ProtocolError) return this.fatal(e.sqlState, e.message);
      this.services.log(`session failed: ${(e as Error).stack ?? String(e)}`);
      this.fatal('XX000', `taskgate: internal error in the shim: ${(e as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }

  private async handle(message: FrontendMessage): Promise<void> {
    if (this.phase === 'startup') return this.onStartupPhase(message);
    if (this.phase === 'password') {
      if (message.type !== 'password') return this.fatal('08P01', `expected a password message, got ${message.type}`);
      return this.onPassword(readCleartextPassword(message).password);
    }
    switch (message.type) {
      case 'query':
        return this.onQuery(message);
      case 'parse':
        return this.onParse(message);
      case 'bind':
        return this.onBind(message);
      case 'describe':
        return this.onDescribe(message);
      case 'execute':
        return this.onExecute(message);
      case 'close':
        return this.onClose(message);
      case 'sync':
        if (!this.openBlock) this.responseMasks.push([]);
        this.skipUntilSync = false;
        this.openBlock = false;
        this.lastDescribedPortal = undefined;
        this.syncsSent++;
        return this.forward(message.raw);
      case 'flush':
        return this.forward(message.raw);
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        // Data of a COPY ... FROM STDIN that was decided as a statement; Postgres ignores it outside COPY.
        return this.forward(message.raw);
      case 'functionCall':
        this.stats.statements++;
        return this.denySimple(['the fast-path function call interface is not supported by taskgate; call the function in a statement']);
      case 'terminate':
        // What came before Terminate was decided and must still reach Postgres.
        this.flushUpstream();
        return this.close();
      default:
        return this.fatal('08P01', `unexpected ${message.type} message after startup`);
    }
  }

  private onStartupPhase(message: FrontendMessage): void {
    if (message.type === 'cancelRequest') {
      this.forwardCancel({ processId: message.processId, secretKey: message.secretKey });
      return this.close();
    }
    if (message.type !== 'startup') return this.fatal('08P01', `expected a StartupMessage, got ${message.type}`);
    this.startup = message;
    this.phase = 'password';
    this.client.write(backend.authenticationCleartextPassword());
  }

  private forwardCancel(key: ClientKey): void {
    const upstream = this.services.cancelKeys.lookup(key);
    if (upstream === undefined) return;
    const socket = connect({ host: upstream.host, port: upstream.port }, () => socket.end(frontend.cancelRequest(upstream.processId, upstream.secretKey)));
    socket.on('error', (e) => this.services.log(`cancel request to Postgres failed: ${e.message}`));
  }

  private async onPassword(credential: string): Promise<void> {
    const { config, decider, log } = this.services;
    const sourceIp = this.client.remoteAddress ?? '';
    if (!this.encrypted && !isLoopback(sourceIp)) {
      log(`warning: the token of a client at ${sourceIp} travelled without TLS; configure --tls-cert and --tls-key`);
    }
    let sessionId: string;
    try {
      const opened = await decider.openSession({ credential, resource: config.resource, kind: 'postgres', source_ip: sourceIp, shim_id: config.shimId });
      sessionId = opened.session_id;
    } catch (e) {
      return this.refuseLogin(e);
    }
    if (this.closed) return void decider.closeSession(sessionId).catch(() => undefined);
    this.decisions = new DecisionChannel(decider, sessionId);
    let login;
    try {
      login = await loginUpstream(config.upstream, this.services.scramPassword, this.upstreamParameters());
    } catch (e) {
      const message = e instanceof UpstreamError ? e.message : String(e);
      return this.fatal('08006', `taskgate: cannot connect to the database behind resource ${config.resource}: ${message}`);
    }
    if (this.closed) return void login.socket.destroy();
    this.upstream = login.socket;
    this.upstreamFramer = login.framer;
    login.socket.on('data', this.onUpstreamData);
    login.socket.on('error', (e) => this.upstreamLost(e.message));
    login.socket.on('close', () => this.upstreamLost('the connection closed'));
    this.clientKey = this.services.cancelKeys.register({ host: config.upstream.host, port: config.upstream.port, processId: login.processId, secretKey: login.secretKey });
    if ((await this.refreshSessionState()) !== 'read') return this.fatal('08006', 'taskgate: cannot read the session search_path from the database');
    this.resetSearchPath = this.searchPath;
    this.phase = 'ready';
    this.client.write(
      Buffer.concat([
        backend.authenticationOk(),
        ...login.parameterStatus,
        backend.backendKeyData(this.clientKey.processId, this.clientKey.secretKey),
        backend.readyForQuery('I'),
      ]),
    );
  }

  private refuseLogin(e: unknown): void {
    if (e instanceof DeciderCallError && (e.grpcCode === 16 || e.grpcCode === 7)) {
      // UNAUTHENTICATED: a bad, expired or revoked credential; PERMISSION_DENIED: no grant on this resource.
      const code = e.grpcCode === 16 ? '28P01' : '28000';
      return this.fatal(code, `taskgate: login refused: ${e.message}`);
    }
    this.fatal('08006', `taskgate: the decider is unavailable, so no session can start: ${(e as Error).message}`);
  }

  private upstreamParameters(): Map<string, string> {
    const parameters = new Map<string, string>();
    for (const [name, value] of this.startup?.parameters ?? []) {
      if (FORWARDED_PARAMETERS.has(name.toLowerCase())) parameters.set(name, value);
    }
    // Analysed and executed text must be the same characters: the shim decodes everything as UTF-8.
    parameters.set('client_encoding', 'UTF8');
    return parameters;
  }

  // ---- statements ----

  private async onQuery(message: Query): Promise<void> {
    this.flushUpstream();
    const analysis = await this.analyse(message.text, false);
    if (analysis === 'empty') return this.forwardQuery(message.raw, []);
    if ('refusal' in analysis) return this.denySimple([analysis.refusal]);
    const decision = await this.decisions!.decide(analysis.operation);
    if (this.closed) return;
    if (!admissible(decision)) return this.denySimple(refusalReasons(decision));
    this.stats.allowed += analysis.operation.statements.length;
    this.book.sqlPrepared(analysis.before, analysis.prepared, decision);
    this.noteEffects(analysis.operation.statements);
    this.forwardQuery(message.raw, decision.masks);
  }

  private async onParse(message: Parse): Promise<void> {
    if (this.skipUntilSync) return;
    this.flushUpstream();
    const analysis = await this.analyse(message.text, true);
    if (analysis === 'empty') {
      this.book.parsed(message.statement, { decision: { verdict: 'allow', reasons: [], masks: [] }, description: EMPTY_STATEMENT });
      return this.forwardExtended(message.raw);
    }
    if ('refusal' in analysis) {
      this.book.parsed(message.statement, undefined);
      return this.denyExtended([analysis.refusal]);
    }
    const decision = await this.decisions!.decide(analysis.operation);
    if (this.closed) return;
    const description = analysis.operation.statements[0]!;
    if (!admissible(decision)) {
      this.book.parsed(message.statement, undefined);
      return this.denyExtended(refusalReasons(decision));
    }
    this.stats.allowed++;
    this.book.parsed(message.statement, { decision, description });
    this.noteEffects([description]);
    this.forwardExtended(message.raw);
  }

  private onBind(message: Bind): void {
    if (this.skipUntilSync) return;
    const statement = this.book.statement(message.statement);
    if (statement === undefined) return this.denyExtended([`prepared statement ${JSON.stringify(message.statement)} was not allowed by taskgate (refused, or never prepared)`]);
    this.book.bound(message.portal, statement);
    this.forwardExtended(message.raw);
  }

  private onDescribe(message: Describe): void {
    if (this.skipUntilSync) return;
    const known = message.kind === 'S' ? this.book.statement(message.name) : this.book.portal(message.name);
    if (known === undefined) {
      const what = message.kind === 'S' ? 'prepared statement' : 'portal';
      return this.denyExtended([`${what} ${JSON.stringify(message.name)} was not allowed by taskgate (refused, or never created)`]);
    }
    this.lastDescribedPortal = message.kind === 'P' ? message.name : undefined;
    this.forwardExtended(message.raw);
  }

  private onExecute(message: Execute): void {
    if (this.skipUntilSync) return;
    const portal = this.book.portal(message.portal);
    if (portal === undefined) {
      return this.denyExtended([`portal ${JSON.stringify(message.portal)} was not allowed by taskgate (refused, or never bound)`]);
    }
    const described = this.lastDescribedPortal === message.portal;
    this.lastDescribedPortal = undefined;
    if (portal.decision.masks.length > 0) {
      // Rows are masked by the columns of the RowDescription just before them: that of this portal's Describe.
      if (!described) return this.denyExtended(['this statement returns masked columns; describe the portal (Describe P) right before executing it']);
      this.forwardExtended(message.raw);
      this.responseMasks[this.responseMasks.length - 1]!.push(...portal.decision.masks);
      return;
    }
    this.forwardExtended(message.raw);
  }

  private onClose(message: Close): void {
    if (this.skipUntilSync) return;
    this.book.closed(message.kind, message.name);
    this.forwardExtended(message.raw);
  }

  /**
   * The operation for `text`, 'empty' for text without statements (Postgres answers EmptyQueryResponse), or why
   * it cannot be described (then it is refused, never forwarded).
   */
  private async analyse(text: string, single: boolean): Promise<
    | 'empty'
    | { refusal: string }
    | { operation: Awaited<ReturnType<typeof analyzeBatch>>['operation']; prepared: Map<string, StatementDescription>; before: Map<string, StatementDescription> }
  > {
    this.stats.statements++;
    if (this.searchPathStale) {
      const refreshed = await this.refreshSessionState();
      if (refreshed === 'busy') return { refusal: 'an earlier statement of this pipeline may have changed the search_path; send Sync before this statement' };
      // In an aborted transaction nothing but its end runs, so the last known search_path is good enough.
      if (refreshed === 'failed' && this.transactionStatus !== 'E') return { refusal: 'the shim cannot read the session search_path, so names cannot be resolved safely' };
    }
    const before = this.book.descriptions();
    try {
      const result = await analyzeBatch(text, this.services.catalog, {
        searchPath: this.searchPath,
        resetSearchPath: this.resetSearchPath,
        sessionUser: this.services.config.upstream.user,
        currentUser: this.currentUser,
        prepared: before,
      });
      if (single && result.operation.statements.length > 1) return { refusal: 'a prepared statement holds one statement; send the others separately' };
      return { operation: result.operation, prepared: result.prepared, before };
    } catch (e) {
      if (!(e instanceof AnalysisError)) return { refusal: `the statement cannot be analysed: ${(e as Error).message}` };
      if (await holdsNoStatement(text)) return 'empty';
      return { refusal: `the statement cannot be described, so it is not run: ${e.message}` };
    }
  }

  /** What an allowed statement changes for the analysis of later ones. */
  private noteEffects(statements: readonly StatementDescription[]): void {
    for (const statement of statements) {
      if (!PATH_PRESERVING_COMMANDS.has(statement.command) || statement.functions.some((f) => f.split('.').pop() === 'set_config')) {
        this.searchPathStale = true;
      }
      if (statementAction(statement) === 'admin') this.clearCatalogUntilIdle = true;
    }
  }

  // ---- refusals ----

  /** A refused Query (or FunctionCall): Postgres answers the marker with an error and ReadyForQuery. */
  private denySimple(reasons: readonly string[]): void {
    this.stats.denied++;
    const token = this.newDenial(reasons, this.syncsSent + 1);
    this.forwardQuery(frontend.query(`DEALLOCATE ${token}`), []);
  }

  /** A refused extended-protocol message: Postgres fails the marker and skips until Sync, as the shim does. */
  private denyExtended(reasons: readonly string[]): void {
    this.stats.denied++;
    const token = this.newDenial(reasons, this.syncsSent + 1);
    this.skipUntilSync = true;
    this.forwardExtended(frontend.describe('S', token));
  }

  private newDenial(reasons: readonly string[], answeredBy: number): string {
    const token = MARKER_PREFIX + randomBytes(8).toString('hex');
    const error = backend.errorResponse({
      severity: 'ERROR',
      code: INSUFFICIENT_PRIVILEGE,
      message: `taskgate: ${reasons[0] ?? 'refused'}`,
      detail: reasons.length > 1 ? reasons.slice(1).join('\n') : undefined,
    });
    this.denials.set(token, { error, answeredBy });
    return token;
  }

  // ---- upstream ----

  private forward(raw: Buffer): void {
    this.upstreamOut.push(raw);
  }

  /** A Query: Postgres owes one answer ending in ReadyForQuery, whose rows get `masks`. */
  private forwardQuery(raw: Buffer, masks: readonly MaskRule[]): void {
    this.responseMasks.push([...masks]);
    this.syncsSent++;
    this.upstreamOut.push(raw);
  }

  private forwardExtended(raw: Buffer): void {
    if (!this.openBlock) this.responseMasks.push([]);
    this.openBlock = true;
    this.upstreamOut.push(raw);
  }

  private flushUpstream(): void {
    if (this.upstreamOut.length === 0 || !this.upstream) return;
    const data = this.upstreamOut.length === 1 ? this.upstreamOut[0]! : Buffer.concat(this.upstreamOut);
    this.upstreamOut = [];
    if (!this.upstream.write(data)) {
      this.client.pause();
      this.upstream.once('drain', () => this.client.resume());
    }
  }

  private readonly onUpstreamData = (chunk: Buffer): void => {
    let frames: BackendFrame[];
    try {
      frames = this.upstreamFramer!.push(chunk);
    } catch (e) {
      return this.fatal('08006', `taskgate: the database sent an invalid message: ${(e as Error).message}`);
    }
    for (const frame of frames) this.relayQueue.push(frame);
    void this.drainRelay();
  };

  /** Relays in order; only a RowDescription of a result that must be masked waits (for its columns' origins). */
  private async drainRelay(): Promise<void> {
    if (this.relaying) return;
    this.relaying = true;
    const out: Buffer[] = [];
    const flush = () => {
      if (out.length > 0 && !this.closed) this.writeClient(out.length === 1 ? out[0]! : Buffer.concat(out));
      out.length = 0;
    };
    try {
      while (this.relayQueue.length > 0 && !this.closed) {
        const frame = this.relayQueue.shift()!;
        const masks = this.responseMasks[0];
        if (frame.code === BackendType.rowDescription && !this.internal && !this.suppressing && masks !== undefined && masks.length > 0) {
          flush();
          out.push(await this.maskedDescription(frame, masks));
        } else this.relay(frame, out);
      }
      flush();
    } catch (e) {
      this.fatal('XX000', `taskgate: internal error relaying the result: ${(e as Error).message}`);
    } finally {
      this.relaying = false;
    }
  }

  /**
   * Works out which columns of the result are masked, by origin (so aliases do not escape); a result whose masking
   * cannot be trusted (binary format, a view's column, an unknown origin) is replaced by an error.
   */
  private async maskedDescription(frame: BackendFrame, masks: readonly MaskRule[]): Promise<Buffer> {
    const fields = decodeBackend<RowDescriptionMessage>(frame).fields;
    const methods = new Map<number, MaskMethod>();
    let unsafe: string | undefined;
    for (const [index, field] of fields.entries()) {
      if (field.tableID === 0) continue;
      const origin = await this.services.origins.lookup(field.tableID, field.columnID).catch(() => undefined);
      if (origin === undefined) {
        unsafe = `the origin of result column "${field.name}" cannot be resolved`;
        break;
      }
      if (origin.isView) {
        unsafe = `result column "${field.name}" comes from view ${origin.table}, whose masked columns the shim cannot follow`;
        break;
      }
      const rule = masks.find((m) => m.table === origin.table && m.column === origin.column);
      if (rule === undefined || !isMaskMethod(rule.method)) continue;
      if (field.format === 'binary') {
        unsafe = `masked column ${origin.table}.${origin.column} is requested in binary format; ask for text`;
        break;
      }
      methods.set(index, rule.method);
    }
    if (unsafe !== undefined) {
      this.suppressing = true;
      this.columnMethods = undefined;
      return backend.errorResponse({ severity: 'ERROR', code: INSUFFICIENT_PRIVILEGE, message: `taskgate: the result cannot be masked safely: ${unsafe}` });
    }
    this.columnMethods = methods.size > 0 ? methods : undefined;
    return frame.raw;
  }

  private relay(frame: BackendFrame, out: Buffer[]): void {
    if (this.internal) return this.answerInternal(frame);
    if (this.suppressing && frame.code !== BackendType.readyForQuery) return;
    switch (frame.code) {
      case BackendType.rowDescription:
        this.columnMethods = undefined;
        out.push(frame.raw);
        return;
      case BackendType.readyForQuery:
        this.responseMasks.shift();
        this.columnMethods = undefined;
        this.suppressing = false;
        this.readiesSeen++;
        this.transactionStatus = transactionStatusOf(frame);
        if (this.readiesSeen === this.syncsSent) for (const resolve of this.idleWaiters.splice(0)) resolve();
        for (const [token, denial] of this.denials) if (denial.answeredBy <= this.readiesSeen) this.denials.delete(token);
        if (this.clearCatalogUntilIdle) {
          this.services.catalog.clear();
          this.services.origins.clear();
          if (this.transactionStatus === 'I') this.clearCatalogUntilIdle = false;
        }
        out.push(frame.raw);
        return;
      case BackendType.errorResponse:
        out.push(this.denials.size > 0 ? this.replaceMarkerError(frame) : frame.raw);
        return;
      case BackendType.dataRow: {
        this.stats.rows++;
        if (this.columnMethods === undefined) return void out.push(frame.raw);
        const { row, masked } = maskDataRow(frame.raw, this.columnMethods, this.services.hashKey);
        this.stats.cellsMasked += masked;
        out.push(row);
        return;
      }
      default:
        out.push(frame.raw);
    }
  }

  private replaceMarkerError(frame: BackendFrame): Buffer {
    const token = MARKER.exec(decodeBackend<DatabaseError>(frame).message)?.[0];
    const denial = token === undefined ? undefined : this.denials.get(token);
    if (token === undefined || denial === undefined) return frame.raw;
    this.denials.delete(token);
    return denial.error;
  }

  private writeClient(data: Buffer): void {
    if (!this.client.write(data) && this.upstream && !this.upstream.isPaused()) {
      this.upstream.pause();
      this.client.once('drain', () => this.upstream?.resume());
    }
  }

  /**
   * Reads the session's search_path and current user on the session's own upstream connection, once Postgres
   * owes no answers; 'busy' inside an unfinished extended-protocol block, where it cannot ask.
   */
  private async refreshSessionState(): Promise<'read' | 'busy' | 'failed'> {
    if (this.openBlock || !this.upstream) return 'busy';
    this.flushUpstream();
    await this.idle();
    if (this.closed) return 'failed';
    const result = await new Promise<{ rows: (string | null)[][]; error?: string }>((done) => {
      this.internal = { rows: [], done };
      this.upstream!.write(frontend.query(SESSION_STATE_SQL));
    });
    const row = result.rows[0];
    if (result.error !== undefined || row === undefined || row[0] === null || row[1] === null) return 'failed';
    this.searchPath = parseSearchPath(row[0]!);
    this.currentUser = row[1]!;
    this.searchPathStale = false;
    return 'read';
  }

  /** Resolves once every forwarded Query and Sync has its ReadyForQuery. */
  private idle(): Promise<void> {
    if (this.syncsSent === this.readiesSeen) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private answerInternal(frame: BackendFrame): void {
    const internal = this.internal!;
    if (frame.code === BackendType.dataRow) internal.rows.push(decodeBackend<DataRowMessage>(frame).fields as (string | null)[]);
    else if (frame.code === BackendType.errorResponse) internal.error = decodeBackend<DatabaseError>(frame).message;
    else if (frame.code === BackendType.readyForQuery) {
      this.internal = undefined;
      internal.done({ rows: internal.rows, error: internal.error });
    }
  }

  private upstreamLost(why: string): void {
    if (this.closed) return;
    this.fatal('08006', `taskgate: the connection to the database was lost: ${why}`);
  }

  // ---- end ----

  private fatal(code: string, message: string): void {
    if (this.closed) return;
    const client = this.client;
    if (client.writable) client.end(backend.errorResponse({ severity: 'FATAL', code, message }));
    this.close();
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.inbox.length = 0;
    this.internal?.done({ rows: [], error: 'the session closed' });
    this.internal = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.upstream) {
      if (this.upstream.writable) this.upstream.end(frontend.terminate());
      this.upstream.destroySoon();
    }
    if (this.clientKey) this.services.cancelKeys.release(this.clientKey);
    if (!this.client.destroyed) this.client.end();
    const decisions = this.decisions;
    if (decisions) {
      decisions.end();
      const summary = JSON.stringify({ statements: this.stats.statements, allowed: this.stats.allowed, denied: this.stats.denied, rows_returned: this.stats.rows, cells_masked: this.stats.cellsMasked });
      this.services.decider.closeSession(decisions.sessionId, summary).catch((e: Error) => this.services.log(`closing decider session ${decisions.sessionId} failed: ${e.message}`));
    }
  }
}

const EMPTY_STATEMENT: StatementDescription = { command: '', reads: [], writes: [], columns: [], functions: [], has_where: false };

/** Allow, or mask with a non-empty list of methods the shim knows; anything else is refused. */
function admissible(decision: Decision): boolean {
  if (decision.verdict === 'allow') return true;
  return decision.verdict === 'mask' && decision.masks.length > 0 && decision.masks.every((m) => isMaskMethod(m.method));
}

/** The reasons a client sees for a decision that is not admissible. */
function refusalReasons(decision: Decision): string[] {
  switch (decision.verdict) {
    case 'deny':
      return [...decision.reasons];
    case 'mask':
      return ['the decision asks for masking the shim cannot apply (an empty list or an unknown method)', ...decision.reasons];
    case 'require_approval':
      return ['this statement needs approval, which this shim cannot hold yet', ...decision.reasons];
    default:
      return ['refused'];
  }
}

/** True for text that is only whitespace and comments: Postgres answers it with EmptyQueryResponse. */
async function holdsNoStatement(text: string): Promise<boolean> {
  await loadParser();
  try {
    return parseStatements(text).length === 0;
  } catch {
    return false;
  }
}
