// A worker thread that runs cases one at a time for the pool in pool.ts. The pipeline is imported lazily so that
// a stage that fails to load turns every case into an errored case with that message, instead of a crash.
import { parentPort } from 'node:worker_threads';
const pipeline = import('./execute.js');
function errorText(e) {
    if (e instanceof Error)
        return `${e.name}: ${e.message}`;
    return typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
}
parentPort?.on('message', async (request) => {
    let reply;
    try {
        const { executeCase } = await pipeline;
        reply = { id: request.id, outcome: await executeCase(request.case) };
    }
    catch (e) {
        reply = { id: request.id, error: errorText(e) };
    }
    parentPort?.postMessage(reply);
});
//# sourceMappingURL=worker.js.map