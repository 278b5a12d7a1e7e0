// rand.intn, trace and opa.runtime.
import { randomInt } from 'node:crypto';
import { int, str } from './args.js';
import { oncePerEvaluation } from './evaluation.js';
/** A random integer in [0, |n|), the same for the same arguments within one evaluation. */
function intn(key, n) {
    const bound = Math.abs(int(n, 2));
    return oncePerEvaluation(`rand.intn:${JSON.stringify([str(key, 1), bound])}`, () => (bound === 0 ? 0 : randomInt(bound)));
}
/** Traces go to OPA's explanation output, which this engine does not keep; the call itself is true. */
function trace(note) {
    str(note, 1);
    return true;
}
/** Policies see no runtime environment: taskgate does not expose its process environment or config to them. */
function runtime() {
    return {};
}
export const miscBuiltins = {
    'rand.intn': intn,
    trace,
    'opa.runtime': runtime,
};
//# sourceMappingURL=misc.js.map