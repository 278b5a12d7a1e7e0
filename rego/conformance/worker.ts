// A worker thread that runs cases one at a time for the pool in pool.ts. The pipeline is imported lazily so that
// a stage that fails to load turns every case into an errored case with that message, instead of a crash.

import { parentPort } from 'node:worker_threads';
import type { ConformanceCase } from './cases.js';
import type { Outcome } from './compare.js';

export type WorkerRequest = { id: number; case: ConformanceCase };
export type WorkerReply = { id: number; outcome: Outcome } | { id: number; error: string };

const pipeline = import('./execute.js');

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
}

parentPort?.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const { executeCase } = await pipeline;
    reply = { id: request.id, outcome: await executeCase(request.case) };
  } catch (e) {
    reply = { id: request.id, error: errorText(e) };
  }
  parentPort?.postMessage(reply);
});
