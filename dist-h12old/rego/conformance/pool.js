// Runs cases on worker threads, one case per worker at a time, with a time limit per case: a worker whose case
// runs too long (a hang, an endless loop in generated code) is terminated and replaced, and the case is counted
// as errored, so no case can stall the run. A worker that dies takes only its current case with it.
import { Worker } from 'node:worker_threads';
export class CasePool {
    options;
    slots = [];
    waiting = [];
    nextId = 0;
    constructor(options) {
        this.options = options;
        for (let i = 0; i < options.workers; i++)
            this.slots.push(this.spawn());
    }
    spawn() {
        const slot = {
            worker: new Worker(this.options.workerUrl, { resourceLimits: { maxOldGenerationSizeMb: 1024 } }),
        };
        slot.worker.on('message', (reply) => {
            if (!slot.busy || slot.busy.id !== reply.id)
                return;
            this.finish(slot, 'outcome' in reply ? { outcome: reply.outcome, ms: 0 } : { error: reply.error, ms: 0 });
        });
        slot.worker.on('error', (e) => this.fail(slot, `worker crashed: ${e.message}`));
        slot.worker.on('exit', (code) => this.fail(slot, `worker exited with code ${code}`));
        return slot;
    }
    finish(slot, run) {
        const busy = slot.busy;
        clearTimeout(busy.timer);
        slot.busy = undefined;
        busy.resolve({ ...run, ms: Date.now() - busy.started });
        this.waiting.shift()?.();
    }
    /** Ends the slot's case with an error and puts a fresh worker in its place. */
    fail(slot, message) {
        if (!slot.busy)
            return;
        const index = this.slots.indexOf(slot);
        if (index < 0)
            return;
        slot.worker.removeAllListeners();
        void slot.worker.terminate();
        this.slots[index] = this.spawn();
        const busy = slot.busy;
        slot.busy = undefined;
        clearTimeout(busy.timer);
        busy.resolve({ error: message, ms: Date.now() - busy.started });
        this.waiting.shift()?.();
    }
    async run(c) {
        let slot = this.slots.find((s) => !s.busy);
        while (!slot) {
            await new Promise((resolve) => this.waiting.push(resolve));
            slot = this.slots.find((s) => !s.busy);
        }
        const id = this.nextId++;
        const chosen = slot;
        return new Promise((resolve) => {
            const timer = setTimeout(() => this.fail(chosen, `timed out after ${this.options.timeoutMs} ms`), this.options.timeoutMs);
            chosen.busy = { id, resolve, timer, started: Date.now() };
            chosen.worker.postMessage({ id, case: c });
        });
    }
    async close() {
        await Promise.all(this.slots.map((s) => {
            s.worker.removeAllListeners();
            return s.worker.terminate();
        }));
    }
}
//# sourceMappingURL=pool.js.map