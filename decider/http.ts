// The decider's HTTP side: `GET /healthz` for probes and `GET /metrics` in Prometheus text format.
import Fastify, { type FastifyInstance } from 'fastify';
import { parseAddress } from './config.js';
import type { DeciderMetrics } from './server/metrics.js';

export interface HttpStatus {
  /** The active policy revision, or undefined when no policy is loaded (every decision is then deny). */
  policyRevision(): string | undefined;
  /** Why the audit store cannot be used (every decision is then deny), or undefined while it can. */
  storeProblem(): string | undefined;
}

export interface HttpServer {
  /** host:port actually bound (the port is chosen when the address asks for port 0). */
  readonly address: string;
  close(): Promise<void>;
}

export function buildHttpApp(metrics: DeciderMetrics, state: HttpStatus): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_request, reply) => {
    // The store first: without it nothing is decided whatever the policy, and the fix (a restart) differs.
    const storeProblem = state.storeProblem();
    if (storeProblem !== undefined) {
      return reply.code(503).send({ status: 'store_unavailable', message: `every decision is deny: ${storeProblem}` });
    }
    const revision = state.policyRevision();
    if (revision === undefined) {
      return reply.code(503).send({ status: 'no_policy', message: 'no policy is loaded: every decision is deny' });
    }
    return { status: 'ok', policy_revision: revision };
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });
  return app;
}

export async function startHttpServer(listen: string, metrics: DeciderMetrics, state: HttpStatus): Promise<HttpServer> {
  const where = parseAddress(listen);
  if (where === undefined) throw new Error(`HTTP address ${JSON.stringify(listen)} is not host:port`);
  const app = buildHttpApp(metrics, state);
  await app.listen({ host: where.host, port: where.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : where.port;
  return { address: `${where.host.includes(':') ? `[${where.host}]` : where.host}:${port}`, close: () => app.close() };
}
