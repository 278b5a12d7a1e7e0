// One client connection from its first byte to its close: startup (TLS, the task token as password, a decider
// session, the shim's own login upstream), then every statement analysed and decided before Postgres sees it.
//
// A refusal is made by Postgres itself: the shim sends a harmless statement that fails with a unique marker in
// place of the refused one, and swaps that error for its own. Postgres thus orders the error among the answers to
// pipelined messages, skips what follows until Sync and fails an open transaction exactly as for a real error.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { DatabaseError, DataRowMessage, ParameterStatusMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import { DeciderCallError, type DeciderClient } from '../../decider/server/client.js';
import { statementAction } from './analyze/action.js';
import { AnalysisError, mayChangeSearchPath, type AnalyzeOptions, type BatchAnalysis, type Cursor, type StatementDescription } from './analyze/index.js';
import type { AnalysisCache, CacheScope } from './analyze/analysis-cache.js';
import { normalizeConstants, type NormalizedQuery } from './analyze/normalize.js';
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
import { copiesFromClient } from './copy-in.js';
import { withholdRowValues } from './error-details.js';
import type { ColumnOrigin, ColumnOrigins } from './column-origins.js';
import { DEFAULT_APPROVAL_WAIT_MS } from '../approval-hold.js';
import type { PostgresOperation } from './analyze/operation.js';
import { approvalNotice, boundValues } from './approval.js';
import { DecisionLeases, DEFAULT_DECISION_LEASE_MS, type LeasedDecision } from './decision-lease.js';
import { DecisionChannel, type Ask, type Decision, type HeldOutcome, type MaskRule, type ParameterValue } from './decisions.js';
import { isMaskMethod, maskDataRow, type MaskMethod } from './masking.js';
import { parseSearchPath } from './search-path.js';
import { StatementBook, type DecidedStatement, type StatementLease } from './statements.js';
import { loginUpstream, UpstreamError } from './upstream.js';
import { connectUpstream, unreachable } from './upstream-socket.js';

export interface ShimServices {
  readonly config: PostgresShimConfig;
  readonly catalog: PostgresCatalog;
  /** Analyses by statement shape, cleared with the catalog. */
  readonly analyses: AnalysisCache;
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
const NON_ASCII = /[^\u0000-\u007f]/;
const INSUFFICIENT_PRIVILEGE = '42501';
const QUERY_CANCELED = '57014';
/** Client messages queued while the shim waits for a decision, before it stops reading from the client. */
const INBOX_HIGH_WATER = 256;
const SESSION_STATE_SQL = "SELECT pg_catalog.current_setting('search_path'), current_user";

/** The session's prepared statements and cursors around a batch, as its analysis says they will be once it ran. */
interface SessionNames {
  /** The batch's description rests on what these names hold now (EXECUTE, FETCH, MOVE). */
  readonly used: boolean;
  readonly preparedBefore: Map<string, StatementDescription>;
  readonly prepared: Map<string, StatementDescription>;
  readonly cursorsBefore: Map<string, Cursor>;
  readonly cursors: Map<string, Cursor>;
}

/** What the shim must do with one answer Postgres owes. */
interface PendingAnswer {
  readonly kind: 'query' | 'block';
  /** A Query's masks, for each of its results (a block's masks come with its Describes). */
  readonly masks: readonly MaskRule[];
  /** A block's Describes, in order: the masks of the one the shim sends before a masked Execute, else undefined. */
  readonly describes: Array<readonly MaskRule[] | undefined>;
}

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
  /**
   * For the session summary: statements the client ran or tried (each statement of a Query, each Execute, each
   * FunctionCall), decisions asked of the decider and reused from a lease (per statement), rows and masked cells.
   */
  private readonly stats = { statements: 0, allowed: 0, denied: 0, rows: 0, cellsMasked: 0, decisions: 0, decisionsReused: 0 };
  /** Decisions of this session, reused within their lease. */
  private leases: DecisionLeases | undefined;
  /** As Postgres last reported it (ParameterStatus): how the text of a '...' string is read. */
  private standardConformingStrings = true;
  /** As Postgres reports it (ParameterStatus); the shim logs in with UTF8 and reads every text as UTF-8. */
  private clientEncoding = 'UTF8';
  /** What the shim does with each answer Postgres owes, oldest first: one entry per Query, and per Sync-ended block. */
  private readonly answers: PendingAnswer[] = [];
  /** Of the result being relayed: the method of each masked column, by index. */
  private columnMethods: Map<number, MaskMethod> | undefined;
  /** A result that could not be masked safely: its frames are dropped until ReadyForQuery. */
  private suppressing = false;
  /** The rows being relayed answer an Execute of a masked portal (the shim described it), so they must be maskable. */
  private maskedExecute = false;
  /** Ends the wait of a statement held for approval (cancel, disconnect). */
  private holding: AbortController | undefined;
  /** The answer being relayed held an ErrorResponse: what of it ran is unknown. */
  private answerFailed = false;
  /** Postgres reads the rows of a COPY ... FROM STDIN: from its CopyInResponse to the client's CopyDone or CopyFail. */
  private copyIn = false;
  /** Resolved once Postgres has started (or refused) the COPY ... FROM STDIN just sent. */
  private copyStarting: (() => void) | undefined;
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
        // Most messages are handled at once (a Bind or Execute of a statement decided within its lease); awaiting
        // only those that wait keeps the common path off the microtask queue.
        const waiting = this.handle(this.inbox.shift()!);
        if (waiting !== undefined) await waiting;
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

  private handle(message: FrontendMessage): Promise<void> | void {
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
        // Postgres ignores Sync while it reads COPY rows: no answer is owed, so it is not sent at all.
        if (this.copyIn) return;
        if (!this.openBlock) this.answers.push(blockAnswer());
        this.skipUntilSync = false;
        this.openBlock = false;
        this.syncsSent++;
        return this.forward(message.raw);
      case 'flush':
        if (this.copyIn) return;
        return this.forward(message.raw);
      case 'copyData':
        // Data of a COPY ... FROM STDIN that was decided as a statement; Postgres ignores it outside COPY.
        return this.forward(message.raw);
      case 'copyDone':
      case 'copyFail':
        this.copyIn = false;
        return this.forward(message.raw);
      case 'functionCall':
        return this.onFunctionCall();
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
    const target = this.services.cancelKeys.lookup(key);
    if (target === undefined || target.cancelHeld()) return;
    const { upstream } = target;
    const socket = connectUpstream(upstream, () => socket.end(frontend.cancelRequest(upstream.processId, upstream.secretKey)));
    socket.on('error', (e) => this.services.log(`cancel request to Postgres failed: ${unreachable(upstream, e)}`));
  }

  private async onPassword(credential: string): Promise<void> {
    const { config, decider, log } = this.services;
    const sourceIp = this.client.remoteAddress ?? '';
    if (!this.encrypted && !isLoopback(sourceIp)) {
      log(`warning: the token of a client at ${sourceIp} travelled without TLS; configure --tls-cert and --tls-key`);
    }
    let sessionId: string;
    let credentialExpiresAt: number;
    try {
      const opened = await decider.openSession({ credential, resource: config.resource, kind: 'postgres', source_ip: sourceIp, shim_id: config.shimId });
      sessionId = opened.session_id;
      // No decision is reused past the credential's end; an unreadable expiry means none is reused at all.
      credentialExpiresAt = Date.parse(opened.expires_at) || 0;
    } catch (e) {
      return this.refuseLogin(e);
    }
    if (this.closed) return void decider.closeSession(sessionId).catch(() => undefined);
    // The credential stays in memory only to open the decider session again after a decider restart.
    const reopen = async () => (await decider.openSession({ credential, resource: config.resource, kind: 'postgres', source_ip: sourceIp, shim_id: config.shimId })).session_id;
    this.decisions = new DecisionChannel(decider, sessionId, reopen);
    const decisions = this.decisions;
    this.leases = new DecisionLeases(
      (operation, ask) => {
        this.stats.decisions += operation.statements.length;
        return decisions.decide(operation, ask);
      },
      config.decisionLeaseMs ?? DEFAULT_DECISION_LEASE_MS,
      credentialExpiresAt,
    );
    let login;
    try {
      login = await loginUpstream(config.upstream, this.services.scramPassword, this.upstreamParameters());
    } catch (e) {
      const message = e instanceof UpstreamError ? e.message : String(e);
      return this.fatal('08006', `taskgate: cannot connect to the database behind resource ${config.resource}: ${message}`);
    }
    if (this.closed) return void login.socket.destroy();
    for (const raw of login.parameterStatus) this.noteParameter({ code: BackendType.parameterStatus, raw });
    this.upstream = login.socket;
    this.upstreamFramer = login.framer;
    login.socket.on('data', this.onUpstreamData);
    login.socket.on('error', (e) => this.upstreamLost(e.message));
    login.socket.on('close', () => this.upstreamLost('the connection closed'));
    this.clientKey = this.services.cancelKeys.register({
      upstream: { host: config.upstream.host, port: config.upstream.port, processId: login.processId, secretKey: login.secretKey },
      cancelHeld: () => this.cancelHeld(),
    });
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

  private onQuery(message: Query): Promise<void> | void {
    // Postgres ignores a Query while it skips to Sync after an error, as the shim does; inside an unfinished
    // extended-protocol block its answer would interleave with the block's, where the shim could not tell which
    // result the masks belong to, so it is refused there (no driver sends one).
    if (this.skipUntilSync) return;
    if (this.openBlock) {
      this.stats.statements++;
      return this.denyExtended(['a simple Query inside an unfinished extended-protocol block is not supported by taskgate; send Sync first']);
    }
    // Decided by shape, constants as placeholders, as a Parse is; Postgres still gets the text as sent.
    const shape = normalizeConstants(message.text, { standardConformingStrings: this.standardConformingStrings });
    const known = this.knownQuery(message.text, shape);
    if (known === undefined) return this.analyseAndDecideQuery(message, shape);
    this.stats.statements += known.operation.statements.length;
    this.stats.decisionsReused += known.operation.statements.length;
    this.forwardDecidedQuery(message, known.operation, known.decision);
  }

  /**
   * A query whose shape is analysed (cached) and decided (leased) already, answered without waiting; undefined
   * when anything must be asked or worked out first (the async path then does exactly what it always does).
   */
  private knownQuery(text: string, shape: NormalizedQuery | undefined): { operation: PostgresOperation; decision: Decision } | undefined {
    if (this.searchPathStale || this.misreadRisk(text) !== undefined) return undefined;
    // As analyse() does: the shape when it has constants, else the text as sent.
    const decidedShape = shape !== undefined && shape.parameters.length > 0 ? shape : undefined;
    const operation = this.services.analyses.cached(decidedShape?.text ?? text, this.analysisOptions(), this.analysisScope());
    if (operation === undefined) return undefined;
    const leased = this.leases!.leased(operation, decidedShape ? { parameters: decidedShape.parameters } : {});
    return leased === undefined ? undefined : { operation, decision: leased.decision };
  }

  private async analyseAndDecideQuery(message: Query, shape: NormalizedQuery | undefined): Promise<void> {
    this.flushUpstream();
    const analysis = await this.analyse(message.text, false, shape);
    if (analysis === 'empty') return this.forwardQuery(message.raw, []);
    this.stats.statements += 'refusal' in analysis ? 1 : analysis.operation.statements.length;
    if ('refusal' in analysis) return this.denySimple([analysis.refusal]);
    const ask: Ask = analysis.parameters.length > 0 ? { parameters: analysis.parameters } : {};
    let { decision } = await this.decide(analysis.operation, ask);
    if (this.closed) return;
    if (decision.verdict === 'require_approval') {
      const held = await this.holdForApproval(analysis.operation, decision, ask);
      if (this.closed) return;
      if (held.cancelled) return this.denySimple(held.decision.reasons, QUERY_CANCELED);
      decision = held.decision;
    }
    const copies = admissible(decision) ? copiesFromClient(message.text, analysis.operation) : 0;
    if (copies > 1) return this.denySimple(['a query may hold one COPY ... FROM STDIN; send each in a query of its own']);
    if (copies === 0) return this.forwardDecidedQuery(message, analysis.operation, decision, analysis.names);
    await this.settled();
    if (this.closed) return;
    this.forwardDecidedQuery(message, analysis.operation, decision, analysis.names);
    await this.copyStarted();
  }

  /** `names`: the session's prepared statements and cursors around the batch, when its analysis may change them. */
  private forwardDecidedQuery(message: Query, operation: PostgresOperation, decision: Decision, names?: SessionNames): void {
    if (!admissible(decision)) return this.denySimple(refusalReasons(decision));
    this.stats.allowed += operation.statements.length;
    if (names !== undefined) {
      this.book.sqlPrepared(names.preparedBefore, names.prepared, decision, this.syncsSent + 1);
      this.book.sqlCursors(names.cursorsBefore, names.cursors, decision, this.syncsSent + 1);
    }
    this.noteEffects(operation.statements);
    this.forwardQuery(message.raw, decision.masks);
  }

  /** Refused always; placed as a Query is (see onQuery), so its error answers the right message. */
  private onFunctionCall(): void {
    if (this.skipUntilSync) return;
    this.stats.statements++;
    const reasons = ['the fast-path function call interface is not supported by taskgate; call the function in a statement'];
    return this.openBlock ? this.denyExtended(reasons) : this.denySimple(reasons);
  }

  private async onParse(message: Parse): Promise<void> {
    if (this.skipUntilSync) return;
    if (message.statement !== '' && this.book.statement(message.statement) !== undefined) {
      // Postgres keeps what it has under that name (or, after a failed Parse, has none): either way the book's entry
      // and the new statement must not be confused, so the name is freed first.
      return this.denyExtended([`prepared statement ${JSON.stringify(message.statement)} already exists; Close it before preparing that name again`]);
    }
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
    if (changesNames(analysis.names)) {
      // What such a statement opens or closes would be known only at its Execute, and only if it runs; the book
      // follows these in simple queries only.
      this.book.parsed(message.statement, undefined);
      return this.denyExtended(['PREPARE, DEALLOCATE, DECLARE, CLOSE and DISCARD ALL of named statements or cursors cannot be prepared through taskgate; send them as a simple query']);
    }
    const { decision, until } = await this.decide(analysis.operation, {});
    if (this.closed) return;
    const description = analysis.operation.statements[0]!;
    // A statement that needs approval is prepared (which runs nothing) and held at Execute, where its values are known.
    const held = decision.verdict === 'require_approval';
    if (!held && !admissible(decision)) {
      this.book.parsed(message.statement, undefined);
      return this.denyExtended(refusalReasons(decision));
    }
    if (!held) this.stats.allowed++;
    const copyFromClient = copiesFromClient(message.text, analysis.operation) > 0;
    this.book.parsed(message.statement, {
      decision, description, lease: { operation: analysis.operation, until }, ...(held ? { held: analysis.operation } : {}), ...(copyFromClient ? { copyFromClient } : {}),
      ...(analysis.names.used ? { parsedIn: this.syncsSent + 1 } : {}),
    });
    this.noteEffects([description]);
    this.forwardExtended(message.raw);
  }

  private onBind(message: Bind): Promise<void> | void {
    if (this.skipUntilSync) return;
    if (message.portal !== '' && this.book.portal(message.portal) !== undefined) {
      // Postgres would keep the open portal (or cursor) under that name: its rows must not get the new decision.
      return this.denyExtended([`portal ${JSON.stringify(message.portal)} is already open; Close it before binding that name again`]);
    }
    const known = this.book.statement(message.statement);
    if (known === undefined) return this.denyExtended([`prepared statement ${JSON.stringify(message.statement)} was not allowed by taskgate (refused, or never prepared)`]);
    if (known.parsedIn !== undefined && known.parsedIn !== this.syncsSent + 1) {
      // The prepared statement or cursor it names may hold something else by now than what was decided at Parse.
      return this.denyExtended(['an EXECUTE, FETCH or MOVE is decided by what its prepared statement or cursor holds when parsed; parse and run it in one block (before Sync), or send it as a simple query']);
    }
    const ended = endedLease(known);
    if (ended !== undefined) return this.renewAndBind(message, known, ended);
    this.bind(message, known);
  }

  private async renewAndBind(message: Bind, known: DecidedStatement, lease: StatementLease): Promise<void> {
    const statement = await this.renewLease(message.statement, known, lease);
    if (this.closed) return;
    if ('refusal' in statement) return this.denyExtended(statement.refusal);
    this.bind(message, statement);
  }

  private bind(message: Bind, statement: DecidedStatement): void {
    this.book.bound(message.portal, statement.held ? { ...statement, parameters: boundValues(message) } : statement, this.syncsSent + 1);
    this.forwardExtended(message.raw);
  }

  private onDescribe(message: Describe): void {
    if (this.skipUntilSync) return;
    const known = message.kind === 'S' ? this.book.statement(message.name) : this.book.portal(message.name);
    if (known === undefined) {
      const what = message.kind === 'S' ? 'prepared statement' : 'portal';
      return this.denyExtended([`${what} ${JSON.stringify(message.name)} was not allowed by taskgate (refused, or never created)`]);
    }
    this.forwardExtended(message.raw);
    this.currentBlock().describes.push(undefined);
  }

  private onExecute(message: Execute): Promise<void> | void {
    if (this.skipUntilSync) return;
    this.stats.statements++;
    const portal = this.book.portal(message.portal);
    if (portal === undefined) {
      return this.denyExtended([`portal ${JSON.stringify(message.portal)} was not allowed by taskgate (refused, or never bound)`]);
    }
    if (portal.held !== undefined) return this.executeHeld(message, portal, portal.held, portal.parameters ?? []);
    return this.execute(message, portal, portal.decision);
  }

  /** A portal of a statement held for approval: asked again with its Bind values, which an approval is bound to. */
  private async executeHeld(message: Execute, portal: DecidedStatement, operation: PostgresOperation, parameters: readonly ParameterValue[]): Promise<void> {
    const ask: Ask = { parameters };
    let decision = await this.decisions!.decide(operation, ask);
    if (this.closed) return;
    if (decision.verdict === 'require_approval') {
      const held = await this.holdForApproval(operation, decision, ask);
      if (this.closed) return;
      if (held.cancelled) return this.denyExtended(held.decision.reasons, QUERY_CANCELED);
      decision = held.decision;
    }
    if (!admissible(decision)) return this.denyExtended(refusalReasons(decision));
    this.stats.allowed++;
    return this.execute(message, portal, decision);
  }

  private execute(message: Execute, portal: DecidedStatement, decision: Decision): Promise<void> | void {
    if (portal.copyFromClient) return this.executeCopyIn(message, decision);
    this.sendExecute(message, decision);
  }

  /**
   * Sent once every earlier answer is in, so that what Postgres answers next (CopyInResponse, or an error of this
   * block) tells whether the Syncs after it are read or ignored.
   */
  private async executeCopyIn(message: Execute, decision: Decision): Promise<void> {
    await this.settled();
    if (this.closed) return;
    this.sendExecute(message, decision);
    // An error earlier in this block already has Postgres skipping to Sync: the COPY will not start.
    if (!this.answerFailed) await this.copyStarted();
  }

  private sendExecute(message: Execute, decision: Decision): void {
    if (decision.masks.length > 0) {
      // The shim describes the portal itself right before its rows, whether or not the client did: its answer says
      // which columns of exactly these rows are masked, and in which format they come.
      this.forwardExtended(frontend.describe('P', message.portal));
      this.currentBlock().describes.push(decision.masks);
    }
    this.forwardExtended(message.raw);
  }

  private onClose(message: Close): void {
    if (this.skipUntilSync) return;
    this.forwardExtended(message.raw);
    this.book.closing(message.kind, message.name, this.syncsSent + 1);
  }

  /** A decision for the operation: the leased one when this shape was decided within the lease, else the decider's. */
  private async decide(operation: PostgresOperation, ask: Ask): Promise<LeasedDecision> {
    const leased = await this.leases!.decide(operation, ask);
    if (leased.reused) this.stats.decisionsReused += operation.statements.length;
    return leased;
  }

  /**
   * A prepared statement is decided again at its first Bind after its lease, so a revoked task or a reloaded policy
   * reaches statements prepared before it, as it reaches simple queries.
   */
  private async renewLease(name: string, statement: DecidedStatement, lease: StatementLease): Promise<DecidedStatement | { refusal: string[] }> {
    this.flushUpstream();
    const { decision, until } = await this.decide(lease.operation, {});
    const held = decision.verdict === 'require_approval';
    if (!held && !admissible(decision)) return { refusal: refusalReasons(decision) };
    const renewed: DecidedStatement = { ...statement, decision, lease: { operation: lease.operation, until }, ...(held ? { held: lease.operation } : {}) };
    this.book.renewed(name, renewed);
    return renewed;
  }

  /**
   * The operation for `text`, 'empty' for text without statements (Postgres answers EmptyQueryResponse), or why
   * it cannot be described (then it is refused, never forwarded). With a `shape` (the text's constants as
   * placeholders), the shape is what is described, and `parameters` are its constants; a shape that cannot be
   * described falls back to the text as sent.
   */
  private async analyse(text: string, single: boolean, shape?: NormalizedQuery): Promise<
    | 'empty'
    | { refusal: string }
    | { operation: PostgresOperation; names: SessionNames; parameters: readonly string[] }
  > {
    if (this.searchPathStale) {
      const refreshed = await this.refreshSessionState();
      if (refreshed === 'busy') return { refusal: 'an earlier statement of this pipeline may have changed the search_path; send Sync before this statement' };
      // In an aborted transaction nothing but its end runs, so the last known search_path is good enough.
      if (refreshed === 'failed' && this.transactionStatus !== 'E') return { refusal: 'the shim cannot read the session search_path, so names cannot be resolved safely' };
    }
    // Checked after the refresh: a SET pipelined right before this text is known only once Postgres has answered it.
    const misread = this.misreadRisk(text);
    if (misread !== undefined) return { refusal: misread };
    const preparedBefore = this.book.descriptions();
    const cursorsBefore = this.book.cursors();
    const options = { ...this.analysisOptions(), prepared: preparedBefore, cursors: cursorsBefore };
    const namesAfter = (result: BatchAnalysis): SessionNames => ({
      used: result.usesSessionNames, preparedBefore, prepared: result.prepared, cursorsBefore, cursors: result.cursors,
    });
    const scope = this.analysisScope();
    if (shape !== undefined && shape.parameters.length > 0) {
      try {
        const result = await this.services.analyses.analyze(shape.text, this.services.catalog, options, scope);
        if (!single || result.operation.statements.length === 1) return { operation: result.operation, names: namesAfter(result), parameters: shape.parameters };
      } catch (e) {
        if (!(e instanceof AnalysisError)) return { refusal: `the statement cannot be analysed: ${(e as Error).message}` };
      }
    }
    try {
      const result = await this.services.analyses.analyze(text, this.services.catalog, options, scope);
      if (single && result.operation.statements.length > 1) return { refusal: 'a prepared statement holds one statement; send the others separately' };
      return { operation: result.operation, names: namesAfter(result), parameters: [] };
    } catch (e) {
      if (!(e instanceof AnalysisError)) return { refusal: `the statement cannot be analysed: ${(e as Error).message}` };
      if (await holdsNoStatement(text)) return 'empty';
      return { refusal: `the statement cannot be described, so it is not run: ${e.message}` };
    }
  }

  /** How the session resolves names, for the analysis (without its prepared statements). */
  private analysisOptions(): AnalyzeOptions {
    return {
      searchPath: this.searchPath,
      resetSearchPath: this.resetSearchPath,
      sessionUser: this.services.config.upstream.user,
      currentUser: this.currentUser,
    };
  }

  /** Why Postgres could read `text` otherwise than the analysis does in this session; undefined when it cannot. */
  private misreadRisk(text: string): string | undefined {
    // libpg-query reads '...' strings as Postgres does with standard_conforming_strings on. With it off, a
    // backslash in a string is an escape, so the same characters could hide a statement from the analysis.
    if (!this.standardConformingStrings && text.includes('\\')) {
      return 'standard_conforming_strings is off in this session, so a backslash could end a string where the shim\'s analysis does not; run SET standard_conforming_strings = on first';
    }
    // Every encoding Postgres takes from clients reads ASCII as ASCII, but in some (SJIS, BIG5, GBK ...) the last
    // byte of a UTF-8 character and the next character (a backslash) make one character, so a string could end
    // where the analysis, reading UTF-8, sees none end.
    if (this.clientEncoding !== 'UTF8' && NON_ASCII.test(text)) {
      return `client_encoding is ${this.clientEncoding} in this session, and the shim reads statements as UTF-8, so text beyond ASCII could read otherwise in Postgres; run SET client_encoding = 'UTF8' first`;
    }
    return undefined;
  }

  private analysisScope(): CacheScope {
    return { standardConformingStrings: this.standardConformingStrings };
  }

  /** What an allowed statement changes for the analysis of later ones. */
  private noteEffects(statements: readonly StatementDescription[]): void {
    for (const statement of statements) {
      if (!PATH_PRESERVING_COMMANDS.has(statement.command) || statement.functions.some(mayChangeSearchPath)) {
        this.searchPathStale = true;
      }
      if (statementAction(statement) === 'admin') this.clearCatalogUntilIdle = true;
    }
  }

  // ---- approvals ----

  /**
   * Holds a statement the policy wants approved: the client is told which request it waits on, and the decider is
   * asked again once it is approved. Nothing else of the session is handled meanwhile (the pump waits here), as
   * behind a slow statement; a CancelRequest or a disconnect ends the wait and withdraws the request.
   */
  private async holdForApproval(operation: PostgresOperation, decision: Decision, ask: Ask): Promise<HeldOutcome> {
    this.flushUpstream();
    const holding = new AbortController();
    this.holding = holding;
    try {
      return await this.decisions!.awaitApproval(operation, decision, {
        ask,
        waitMs: this.services.config.approvalWaitMs ?? DEFAULT_APPROVAL_WAIT_MS,
        signal: holding.signal,
        notify: (notice) => this.writeClient(approvalNotice(notice)),
      });
    } finally {
      this.holding = undefined;
    }
  }

  /** A CancelRequest for this session: ends a statement held for approval; false when none is held. */
  private cancelHeld(): boolean {
    if (this.holding === undefined) return false;
    this.holding.abort(new Error('the client cancelled the statement'));
    return true;
  }

  // ---- refusals ----

  /** A refused Query (or FunctionCall): Postgres answers the marker with an error and ReadyForQuery. */
  private denySimple(reasons: readonly string[], code = INSUFFICIENT_PRIVILEGE): void {
    this.stats.denied++;
    const token = this.newDenial(reasons, this.syncsSent + 1, code);
    this.forwardQuery(frontend.query(`DEALLOCATE ${token}`), []);
  }

  /** A refused extended-protocol message: Postgres fails the marker and skips until Sync, as the shim does. */
  private denyExtended(reasons: readonly string[], code = INSUFFICIENT_PRIVILEGE): void {
    this.stats.denied++;
    const token = this.newDenial(reasons, this.syncsSent + 1, code);
    this.skipUntilSync = true;
    this.forwardExtended(frontend.describe('S', token));
  }

  private newDenial(reasons: readonly string[], answeredBy: number, code: string): string {
    const token = MARKER_PREFIX + randomBytes(8).toString('hex');
    const error = backend.errorResponse({
      severity: 'ERROR',
      code,
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
    this.answers.push({ kind: 'query', masks: [...masks], describes: [] });
    this.syncsSent++;
    this.upstreamOut.push(raw);
  }

  private forwardExtended(raw: Buffer): void {
    if (!this.openBlock) this.answers.push(blockAnswer());
    this.openBlock = true;
    this.upstreamOut.push(raw);
  }

  /** The answer of the extended block being sent (forwardExtended opened it). */
  private currentBlock(): PendingAnswer {
    return this.answers[this.answers.length - 1]!;
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

  /**
   * Relays in order; only a RowDescription of a result that must be masked waits (for its columns' origins). In an
   * extended block every RowDescription or NoData answers a Describe, in order: those of the shim's own Describes
   * set the masking of the rows after them and are not relayed.
   */
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
        const answer = this.answers[0];
        if (this.internal || this.suppressing || answer === undefined) {
          this.relay(frame, out);
        } else if (answer.kind === 'block' && (frame.code === BackendType.rowDescription || frame.code === BackendType.noData)) {
          const masks = answer.describes.shift();
          if (masks === undefined) this.relay(frame, out);
          else if (frame.code === BackendType.noData) {
            this.columnMethods = undefined;
            this.maskedExecute = true;
          } else {
            flush();
            const refusal = await this.maskedDescription(frame, masks);
            this.maskedExecute = true;
            if (refusal) out.push(refusal);
          }
        } else if (frame.code === BackendType.rowDescription && answer.masks.length > 0) {
          flush();
          out.push((await this.maskedDescription(frame, answer.masks)) ?? frame.raw);
        } else if (frame.code === BackendType.copyOutResponse && (answer.kind === 'query' ? answer.masks.length > 0 : this.maskedExecute)) {
          out.push(this.refuseResult('COPY output cannot be masked; select the rows instead'));
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
   * Works out which columns of the result are masked, by origin (so aliases and views do not escape). A result whose
   * masking cannot be trusted (binary format, a value computed from a masked column, an unknown origin) is refused:
   * the error to send instead, its frames then dropped until ReadyForQuery.
   */
  private async maskedDescription(frame: BackendFrame, masks: readonly MaskRule[]): Promise<Buffer | undefined> {
    const fields = decodeBackend<RowDescriptionMessage>(frame).fields;
    const methods = new Map<number, MaskMethod>();
    let unsafe: string | undefined;
    for (const [index, field] of fields.entries()) {
      if (field.tableID === 0) continue;
      let origin: ColumnOrigin | undefined;
      try {
        origin = await this.services.origins.lookup(field.tableID, field.columnID);
      } catch (e) {
        unsafe = `the origin of result column "${field.name}" cannot be resolved: ${(e as Error).message}`;
        break;
      }
      if (origin === undefined) {
        unsafe = `the origin of result column "${field.name}" cannot be resolved`;
        break;
      }
      const masked = maskedSources(origin, masks);
      if (masked.length === 0) continue;
      const [first] = masked;
      if (!origin.passThrough) {
        unsafe = `result column "${field.name}" of ${origin.relation} is computed from masked column ${first!.table}.${first!.column}`;
        break;
      }
      if (field.format === 'binary') {
        unsafe = `masked column ${first!.table}.${first!.column} is requested in binary format; ask for text`;
        break;
      }
      methods.set(index, first!.method as MaskMethod);
    }
    if (unsafe !== undefined) return this.refuseResult(unsafe);
    this.columnMethods = methods.size > 0 ? methods : undefined;
    return undefined;
  }

  /** The error that replaces a result the shim cannot mask; what Postgres sends of it is dropped until ReadyForQuery. */
  private refuseResult(why: string): Buffer {
    this.suppressing = true;
    this.columnMethods = undefined;
    return backend.errorResponse({ severity: 'ERROR', code: INSUFFICIENT_PRIVILEGE, message: `taskgate: the result cannot be masked safely: ${why}` });
  }

  private relay(frame: BackendFrame, out: Buffer[]): void {
    if (frame.code === BackendType.parameterStatus) this.noteParameter(frame);
    if (this.internal) return this.answerInternal(frame);
    this.noteCopy(frame.code);
    if (frame.code === BackendType.errorResponse) this.answerFailed = true;
    if (this.suppressing && frame.code !== BackendType.readyForQuery) return;
    switch (frame.code) {
      case BackendType.rowDescription:
        this.columnMethods = undefined;
        out.push(frame.raw);
        return;
      case BackendType.commandComplete:
      case BackendType.portalSuspended:
        // The end of one result: rows after it (another Execute of the block) are masked by their own description.
        this.columnMethods = undefined;
        this.maskedExecute = false;
        out.push(frame.raw);
        return;
      case BackendType.readyForQuery:
        this.answers.shift();
        this.columnMethods = undefined;
        this.maskedExecute = false;
        this.suppressing = false;
        this.readiesSeen++;
        this.transactionStatus = transactionStatusOf(frame);
        this.book.answered(this.readiesSeen, this.answerFailed);
        this.answerFailed = false;
        if (this.transactionStatus === 'I') this.book.transactionEnded(this.readiesSeen);
        if (this.readiesSeen === this.syncsSent) for (const resolve of this.idleWaiters.splice(0)) resolve();
        for (const [token, denial] of this.denials) if (denial.answeredBy <= this.readiesSeen) this.denials.delete(token);
        if (this.clearCatalogUntilIdle) {
          this.services.catalog.clear();
          this.services.analyses.clear();
          this.services.origins.clear();
          if (this.transactionStatus === 'I') this.clearCatalogUntilIdle = false;
        }
        out.push(frame.raw);
        return;
      case BackendType.errorResponse:
        out.push(withholdRowValues(this.denials.size > 0 ? this.replaceMarkerError(frame) : frame.raw));
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

  /** Follows standard_conforming_strings, which decides how the normalizer reads '...' strings. */
  private noteParameter(frame: BackendFrame): void {
    const { parameterName, parameterValue } = decodeBackend<ParameterStatusMessage>(frame);
    if (parameterName === 'standard_conforming_strings') this.standardConformingStrings = parameterValue === 'on';
    else if (parameterName === 'client_encoding') this.clientEncoding = parameterValue;
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

  /** Everything forwarded has gone out and every Query and Sync before it has its ReadyForQuery. */
  private async settled(): Promise<void> {
    this.flushUpstream();
    await this.idle();
  }

  /** Resolves once Postgres answered the COPY ... FROM STDIN just forwarded: CopyInResponse, an error or ReadyForQuery. */
  private copyStarted(): Promise<void> {
    this.flushUpstream();
    return new Promise((resolve) => (this.copyStarting = resolve));
  }

  /** CopyInResponse starts a COPY ... FROM STDIN; an error ends it (or kept it from starting), as ReadyForQuery shows. */
  private noteCopy(code: number): void {
    if (code === BackendType.copyInResponse) this.copyIn = true;
    else if (code === BackendType.errorResponse || code === BackendType.readyForQuery) this.copyIn = false;
    else return;
    this.copyStarting?.();
    this.copyStarting = undefined;
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
    this.holding?.abort(new Error('the client went away'));
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
      const { statements, allowed, denied, decisions: asked, decisionsReused, rows, cellsMasked } = this.stats;
      const summary = JSON.stringify({
        statements, allowed, denied, decisions: asked, decisions_reused: decisionsReused, rows_returned: rows, cells_masked: cellsMasked,
      });
      this.services.decider.closeSession(decisions.sessionId, summary).catch((e: Error) => this.services.log(`closing decider session ${decisions.sessionId} failed: ${e.message}`));
    }
  }
}

/** The statement adds, replaces or removes a named prepared statement or cursor. */
function changesNames(names: SessionNames): boolean {
  const changed = <T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>) =>
    before.size !== after.size || [...after].some(([name, value]) => before.get(name) !== value);
  return changed(names.preparedBefore, names.prepared) || changed(names.cursorsBefore, names.cursors);
}

/** The lease of a prepared statement that must be decided again before its next Bind; a held one is asked at each Execute. */
function endedLease(statement: DecidedStatement): StatementLease | undefined {
  const { lease } = statement;
  return lease !== undefined && statement.held === undefined && lease.until <= Date.now() ? lease : undefined;
}

/** An answer of the extended protocol: up to its Sync, with the Describes sent in it. */
function blockAnswer(): PendingAnswer {
  return { kind: 'block', masks: [], describes: [] };
}

/** The mask rules that apply to a result column's sources (`*` is a whole row, which holds every column). */
function maskedSources(origin: ColumnOrigin, masks: readonly MaskRule[]): MaskRule[] {
  return masks.filter((m) => isMaskMethod(m.method) && origin.sources.some((s) => s.table === m.table && (s.column === m.column || s.column === '*')));
}

const EMPTY_STATEMENT: StatementDescription = { command: '', reads: [], writes: [], columns: [], functions: [], settings: [], has_where: false };

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
      return ['this statement needs an approval it does not have', ...decision.reasons];
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
