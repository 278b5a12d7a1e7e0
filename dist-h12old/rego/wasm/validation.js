// Whether the emitter runs binaryen's validator on each module it writes. The validator costs tens of
// milliseconds per compile and finds only emitter bugs (V8 validates every module when it loads it anyway, so a
// broken module never runs), so production compiles skip it. It runs when TASKGATE_VALIDATE_WASM=1, and under
// the test runner (vitest sets VITEST in its workers), so every module the test suites compile is validated.
export function validationRequested(env = process.env) {
    return env.TASKGATE_VALIDATE_WASM === '1' || env.VITEST !== undefined;
}
//# sourceMappingURL=validation.js.map