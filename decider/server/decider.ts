// One running decider: the store, the policy engine (with its watcher), the gRPC server and the HTTP server,
// started in that order and stopped in reverse, so nothing answers before the audit log is open and every answer
// given before a shutdown has its record committed.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { DeciderConfig, ResourceConfig } from '../config.js';
import { PolicyEngine, type ReloadOutcome } from '../engine/policy-engine.js';
import { describeSource, type PolicySource } from '../engine/policy-source.js';
import { watchPolicySource, type PolicyWatcher } from '../engine/watch.js';
import { startHttpServer, type HttpServer } from '../http.js';
import type { Store } from '../store/index.js';
import { storeThreadHealth } from '../store/threaded-store.js';
import { ApprovalService } from '../approvals/approvals.js';
import { activeApproverPolicy } from '../approvals/approver-policy.js';
import type { ApprovalsSettings } from '../approvals/config.js';
import { ApprovalWebhook } from '../approvals/webhook.js';
import { DecisionService, type VerifyCredential } from './decision-service.js';
import { deciderHandlers } from './grpc-handlers.js';
import { healthHandlers } from './health.js';
import { DeciderMetrics } from './metrics.js';
import { deciderService, healthService } from './proto.js';
import { Sessions } from './sessions.js';

/** Enough for any sane number of shim connections; past it OpenSession is refused rather than exhaust memory. */
const MAX_SESSIONS = 100_000;
/** Far more than one client's connection pool; what stops one token from filling the table. */
const MAX_SESSIONS_PER_HOLDER = 1024;
const SWEEP_INTERVAL_MS = 60_000;
/** Expired sessions are kept this long so a late operation is denied as "expired" rather than "unknown session". */
const EXPIRED_SESSION_GRACE_MS = 10 * 60_000;
const WATCH_DEBOUNCE_MS = 200;
const SHUTDOWN_GRACE_MS = 5000;
/** How often requests whose time ran out are recorded as expired (audited, announced) though nobody looks. */
const APPROVAL_EXPIRY_INTERVAL_MS = 5000;
/** Headroom over the operation limit for the other fields of a request. */
const MESSAGE_OVERHEAD_BYTES = 64 * 1024;

/** An address the decider cannot listen on (in use, not local, not permitted). */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface DeciderOptions {
  readonly config: DeciderConfig;
  readonly resources: readonly ResourceConfig[];
  readonly store: Store;
  readonly verifyCredential: VerifyCredential;
  /** The `approvals` section of taskgate.yaml, validated (decider/approvals/config.ts). */
  readonly approvals?: ApprovalsSettings;
  readonly log: (line: string) => void;
}

export interface RunningDecider {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly engine: PolicyEngine;
  readonly metrics: DeciderMetrics;
  /** The outcome of the first policy load. */
  readonly initialLoad: ReloadOutcome;
  /**
   * Settles with the reason once this decider can no longer serve: its store's thread stopped, so every decision
   * is deny and health says so until a restart. Never settles otherwise.
   */
  readonly failed: Promise<string>;
  /** Stops taking requests, lets in-flight ones finish, then closes the HTTP server. The store stays the caller's. */
  stop(): Promise<void>;
}

export function policySourceOf(config: DeciderConfig): PolicySource {
  return config.bundle !== undefined ? { kind: 'bundle', path: config.bundle } : { kind: 'directory', path: config.policies };
}

export async function startDecider(options: DeciderOptions): Promise<RunningDecider> {
  const { config, log } = options;
  const metrics = new DeciderMetrics();
  const source = policySourceOf(config);
  const engine = new PolicyEngine({
    source,
    evaluationTimeoutMs: config.evaluationTimeoutMs,
    log,
    onReload: (outcome) => {
      metrics.reloaded(outcome.status);
      if (outcome.status === 'loaded') {
        metrics.policyRevision = outcome.revision;
        metrics.policyLoadedAtMs = Date.now();
      }
    },
  });
  log(`policy: loading ${describeSource(source)}`);
  const initialLoad = await engine.reload();
  const startedAtMs = Date.now();

  const sessions = new Sessions(MAX_SESSIONS, MAX_SESSIONS_PER_HOLDER);
  metrics.openSessions = () => sessions.size;
  const approvals = new ApprovalService({
    store: options.store,
    // Who may approve (data.taskgate.approve) is answered by the module that decides, so a reload switches both.
    approverPolicy: activeApproverPolicy(engine),
    ...(options.approvals?.webhook ? { notifier: new ApprovalWebhook({ ...options.approvals.webhook, log }) } : {}),
    // Sessions live in memory: a request asked in a session this decider does not hold, before it started, was
    // asked of a previous run, and that session ended with it.
    sessionEnded: (sessionId, askedAt) => sessions.get(sessionId) === undefined && Date.parse(askedAt) < startedAtMs,
  });
  const shutdown = new AbortController();
  const service = new DecisionService({
    store: options.store,
    approvals,
    engine,
    sessions,
    metrics,
    verifyCredential: options.verifyCredential,
    resources: options.resources,
    sessionTtlSeconds: config.sessionTtlSeconds,
    log,
  });

  const server = new Server({
    'grpc.max_receive_message_length': config.maxOperationBytes + MESSAGE_OVERHEAD_BYTES,
    'grpc.max_send_message_length': config.maxOperationBytes + MESSAGE_OVERHEAD_BYTES,
  });
  server.addService(
    deciderService(),
    deciderHandlers({ service, approvals, shutdown: shutdown.signal, maxOperationBytes: config.maxOperationBytes, log, onRequestError: (code) => metrics.requestError(code) }),
  );
  const storeHealth = storeThreadHealth(options.store);
  const storeProblem = () => storeHealth?.problem();
  const failed = storeHealth?.stopped ?? new Promise<string>(() => undefined);
  void failed.then((problem) => log(`store: ${problem}. Every decision is deny until then; /healthz answers 503 and grpc.health.v1 NOT_SERVING`));
  server.addService(healthService(), healthHandlers({ deciderServing: () => engine.current !== undefined && storeProblem() === undefined }));
  const grpcAddress = await bind(server, config.listen);

  let http: HttpServer;
  try {
    http = await startHttpServer(config.http, metrics, { policyRevision: () => engine.current?.revision, storeProblem });
  } catch (e) {
    server.forceShutdown();
    throw new ListenError(`cannot listen for HTTP on ${config.http}: ${(e as Error).message}`);
  }

  const watcher: PolicyWatcher | undefined = config.watch
    ? watchPolicySource(source, () => void engine.reload(), { debounceMs: WATCH_DEBOUNCE_MS, log })
    : undefined;
  const sweeper = setInterval(() => sessions.sweepExpired(EXPIRED_SESSION_GRACE_MS), SWEEP_INTERVAL_MS);
  sweeper.unref();
  const expiry = setInterval(() => {
    approvals.expireDue().catch((e: unknown) => log(`approvals: cannot record expired requests: ${(e as Error)?.message ?? String(e)}`));
  }, APPROVAL_EXPIRY_INTERVAL_MS);
  expiry.unref();

  return {
    grpcAddress,
    httpAddress: http.address,
    engine,
    metrics,
    initialLoad,
    failed,
    async stop() {
      clearInterval(sweeper);
      clearInterval(expiry);
      shutdown.abort();
      watcher?.close();
      // Long-lived DecideStreams never end by themselves: give in-flight decisions a moment, then cut them.
      const forced = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      clearTimeout(forced);
      await http.close();
    },
  };
}

function bind(server: Server, address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(new ListenError(`cannot listen for gRPC on ${address}: ${error.message}`));
      else resolve(address.replace(/:\d+$/, `:${port}`));
    });
  });
}
