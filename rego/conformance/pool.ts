// Runs cases on worker threads, one case per worker at a time, with a time limit per case: a worker whose case
// runs too long (a hang, an endless loop in generated code) is terminated and replaced, and the case is counted
// as errored, so no case can stall the run. A worker that dies takes only its current case with it.

import { Worker } from 'node:worker_threads';
import type { ConformanceCase } from './cases.js';
import type { Outcome } from './compare.js';
import type { WorkerReply } from './worker.js';

export type CaseRun = { outcome: Outcome; ms: number } | { error: string; ms: number };

interface Slot {
  worker: Worker;
  /** Settles once the worker runs: a fresh worker's start-up does not count against its first case. */
  online: Promise<void>;
  busy?: { id: number; resolve: (run: CaseRun) => void; timer: NodeJS.Timeout; started: number };
}

export interface PoolOptions {
  workers: number;
  timeoutMs: number;
  /** The compiled worker script. */
  workerUrl: URL;
}

export class CasePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 0;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.workerUrl, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const slot: Slot = { worker, online: new Promise((resolve) => worker.once('online', () => resolve())) };
    slot.worker.on('message', (reply: WorkerReply) => {
      if (!slot.busy || slot.busy.id !== reply.id) return;
      this.finish(slot, 'outcome' in reply ? { outcome: reply.outcome, ms: 0 } : { error: reply.error, ms: 0 });
    });
    slot.worker.on('error', (e) => this.fail(slot, `worker crashed: ${e.message}`));
    slot.worker.on('exit', (code) => this.fail(slot, `worker exited with code ${code}`));
    return slot;
  }

  private finish(slot: Slot, run: CaseRun): void {
    const busy = slot.busy!;
    clearTimeout(busy.timer);
    slot.busy = undefined;
    busy.resolve({ ...run, ms: Date.now() - busy.started });
    this.waiting.shift()?.();
  }

  /** Ends the slot's case with an error and puts a fresh worker in its place. */
  private fail(slot: Slot, message: string): void {
    if (!slot.busy) return;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    const busy = slot.busy;
    slot.busy = undefined;
    clearTimeout(busy.timer);
    busy.resolve({ error: message, ms: Date.now() - busy.started });
    this.waiting.shift()?.();
  }

  async run(c: ConformanceCase): Promise<CaseRun> {
    let slot = this.slots.find((s) => !s.busy);
    while (!slot) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      slot = this.slots.find((s) => !s.busy);
    }
    const id = this.nextId++;
    const chosen = slot;
    const limit = (): NodeJS.Timeout =>
      setTimeout(() => this.fail(chosen, `timed out after ${this.options.timeoutMs} ms`), this.options.timeoutMs);
    return new Promise<CaseRun>((resolve) => {
      // The limit runs from now, so that a worker that never starts cannot stall the run, and starts over once
      // the worker is online: under load a fresh worker can take longer to start than a case may run.
      chosen.busy = { id, resolve, timer: limit(), started: Date.now() };
      chosen.worker.postMessage({ id, case: c });
      void chosen.online.then(() => {
        if (chosen.busy?.id !== id) return;
        clearTimeout(chosen.busy.timer);
        chosen.busy.timer = limit();
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.slots.map((s) => {
        s.worker.removeAllListeners();
        return s.worker.terminate();
      }),
    );
  }
}
