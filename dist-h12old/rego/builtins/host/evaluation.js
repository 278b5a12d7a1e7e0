// Non-deterministic builtins (time.now_ns, rand.intn, uuid.rfc4122) must give one answer per evaluation for the
// same arguments, as OPA caches them per query. An evaluation through OPA's SDK is one synchronous call, so the
// remembered answers are also dropped on the next microtask: a caller that never calls resetEvaluation() still
// gets a fresh "now" for its next evaluation. Calling resetEvaluation() before each evaluation is the exact form
// (several evaluations run back to back in one synchronous stretch would otherwise share answers).
const memo = new Map();
/** Starts a new evaluation: forgets every remembered non-deterministic result. */
export function resetEvaluation() {
    memo.clear();
}
/** The value remembered for `key` in this evaluation, computing it the first time. */
export function oncePerEvaluation(key, compute) {
    if (memo.has(key))
        return memo.get(key);
    if (memo.size === 0)
        queueMicrotask(resetEvaluation);
    const value = compute();
    memo.set(key, value);
    return value;
}
/** The evaluation's "now", shared by time.now_ns and the JWT expiry checks so that both see one instant. */
export function evaluationTimeNs() {
    return oncePerEvaluation('time.now_ns', () => BigInt(Date.now()) * 1000000n);
}
//# sourceMappingURL=evaluation.js.map