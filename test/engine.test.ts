import { describe, expect, it } from 'vitest';
import { importedMemoryLimits, memoryDescriptorFor } from '../rego/engine-memory.js';
import { compilePolicy } from '../rego/compile.js';
import { EvalError, loadEngine, toEvalError } from '../rego/engine.js';
import { echoPolicyWasm } from './fixtures/echo-policy.js';

async function evalError(run: () => unknown): Promise<EvalError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    return e as EvalError;
  }
  throw new Error('expected an EvalError');
}

describe('loadEngine over the echo module', () => {
  it('lists the entrypoints and passes input and data through the SDK', async () => {
    const engine = await loadEngine(echoPolicyWasm(), { roles: ['admin'] });
    expect(engine.entrypoints).toEqual(['t/sprintf', 't/abort', 't/input', 't/data', 't/undefined', 't/trap']);
    expect(engine.evaluate({ user: 'alice' }, 't/input')).toEqual({ user: 'alice' });
    expect(engine.evaluate(undefined, 't/data')).toEqual({ roles: ['admin'] });
    expect(engine.evaluate(undefined, 't/undefined')).toBeUndefined();
  });

  it('keeps falsy inputs (the SDK alone would drop them) and tells no input from null', async () => {
    const engine = await loadEngine(echoPolicyWasm());
    expect(engine.evaluate(false, 't/input')).toBe(false);
    expect(engine.evaluate(0, 't/input')).toBe(0);
    expect(engine.evaluate('', 't/input')).toBe('');
    expect(engine.evaluate(null, 't/input')).toBe(null);
    expect(engine.evaluate(undefined, 't/input')).toBeUndefined();
  });

  it('grows memory for inputs larger than the initial pages', async () => {
    const engine = await loadEngine(echoPolicyWasm());
    const big = { blob: 'x'.repeat(3 * 1024 * 1024) };
    expect(engine.evaluate(big, 't/input')).toEqual(big);
  });

  it('uses the sprintf of taskgate host builtins, which follows OPA, not the SDK sprintf-js', async () => {
    const engine = await loadEngine(echoPolicyWasm());
    // sprintf-js would print "[object Object]"; OPA prints the Rego value.
    expect(engine.evaluate(undefined, 't/sprintf')).toBe('{"a": 1}');
  });

  it('makes a builtin that throws undefined, as OPA does outside strict mode', async () => {
    const engine = await loadEngine(echoPolicyWasm(), undefined, {
      builtins: {
        sprintf: () => {
          throw new Error('bad operand');
        },
      },
    });
    expect(engine.evaluate(undefined, 't/sprintf')).toBeUndefined();
  });

  it('hands builtins their arguments as JSON values', async () => {
    const seen: unknown[][] = [];
    const engine = await loadEngine(echoPolicyWasm(), undefined, {
      builtins: { sprintf: (...args: unknown[]) => (seen.push(args), 'ok') },
    });
    expect(engine.evaluate(undefined, 't/sprintf')).toBe('ok');
    expect(seen).toEqual([['%v', [{ a: 1 }]]]);
  });

  it('turns a missing builtin, an abort and a trap into EvalErrors with stable codes', async () => {
    const engine = await loadEngine(echoPolicyWasm(), undefined, { builtins: {} });
    expect((await evalError(() => engine.evaluate(undefined, 't/sprintf'))).code).toBe('eval_builtin_error');
    const conflict = await evalError(() => engine.evaluate(undefined, 't/abort'));
    expect(conflict.code).toBe('eval_conflict_error');
    expect(conflict.message).toBe('object insert conflict');
    expect((await evalError(() => engine.evaluate(undefined, 't/trap'))).code).toBe('eval_internal_error');
    // The instance stays usable after a failed evaluation.
    expect(engine.evaluate({ a: 1 }, 't/input')).toEqual({ a: 1 });
  });

  it('rejects unknown entrypoints, non-JSON input and bad modules', async () => {
    const engine = await loadEngine(echoPolicyWasm());
    expect((await evalError(() => engine.evaluate(undefined, 'nope/x'))).code).toBe('eval_unknown_entrypoint');
    expect((await evalError(() => engine.evaluate({ n: 1n }, 't/input'))).code).toBe('eval_input_error');
    const bad = await evalError(() => loadEngine(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99])));
    expect(bad.message).toMatch(/^cannot load policy module/);
  });
});

describe('evaluateJson', () => {
  it('evaluates input given as JSON text as evaluate does the value, and refuses text that is not JSON', async () => {
    const compiled = await compilePolicy([{ file: 't.rego', text: 'package t\n\nall := input\n\na := input.a\n\nk := 1\n' }], ['t/all', 't/a', 't/k']);
    const engine = await loadEngine(compiled.wasm);
    const input = { a: [1, 'x', { b: null }], c: 'naïve ✓' };
    expect(engine.evaluateJson(JSON.stringify(input), 't/all')).toEqual(engine.evaluate(input, 't/all'));
    // A key written twice is its last value, as JSON.parse reads it.
    expect(engine.evaluateJson('{"a": 1, "a": 2}', 't/a')).toBe(2);
    for (const text of ['not json', '{"a":', '{"a": 1} trailing']) {
      // Not even a rule that ignores input is evaluated over text that is not JSON.
      expect((await evalError(() => engine.evaluateJson(text, 't/k'))).message).toContain('input is not valid JSON');
    }
  });
});

describe('toEvalError', () => {
  it('classifies what the SDK throws', () => {
    expect(toEvalError('x.rego:3:1: var assignment conflict').code).toBe('eval_conflict_error');
    expect(toEvalError('something else').code).toBe('eval_internal_error');
    expect(toEvalError({ message: 'not implemented: built-in function 3: foo' }).code).toBe('eval_builtin_error');
  });
});

describe('memory for the module', () => {
  it('reads the limits of the imported memory and gives at least that, within its maximum', () => {
    expect(importedMemoryLimits(echoPolicyWasm())).toEqual({ initial: 3, maximum: undefined, shared: false });
    expect(memoryDescriptorFor({ initial: 40, shared: false })).toEqual({ initial: 40 });
    expect(memoryDescriptorFor({ initial: 2, shared: false })).toEqual({ initial: 16 });
    expect(memoryDescriptorFor({ initial: 2, maximum: 4, shared: false })).toEqual({ initial: 4, maximum: 4 });
    expect(memoryDescriptorFor(undefined)).toEqual({ initial: 16 });
  });

  it('rejects bytes that are not a module', () => {
    expect(() => importedMemoryLimits(new Uint8Array([1, 2, 3, 4]))).toThrow('not a WebAssembly module');
  });
});
