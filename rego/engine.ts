// Runs a compiled policy (ours, or one built by `opa build -t wasm`) with OPA's official JavaScript SDK.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from './builtins/host/index.js';
import { importedMemoryLimits, memoryDescriptorFor } from './engine-memory.js';

export type HostBuiltin = (...args: any[]) => unknown;

/**
 * Why an evaluation failed, in OPA's vocabulary where it has one:
 *  - eval_conflict_error: a complete rule or function produced two values, or an object got two values for a key;
 *  - eval_builtin_error: the module called a builtin that no host implements;
 *  - eval_input_error: the input or data cannot be written as JSON;
 *  - eval_unknown_entrypoint: the module has no such entrypoint;
 *  - eval_internal_error: the module aborted or trapped for any other reason.
 */
export type EvalErrorCode =
  | 'eval_conflict_error'
  | 'eval_builtin_error'
  | 'eval_input_error'
  | 'eval_unknown_entrypoint'
  | 'eval_internal_error';

export class EvalError extends Error {
  constructor(
    readonly code: EvalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EvalError';
  }
}

export interface Engine {
  /** Entrypoint names as the module lists them (`pkg/rule`). */
  readonly entrypoints: readonly string[];
  /** The entrypoint's value for this input (undefined input: no input at all); undefined when it is undefined. */
  evaluate(input: unknown, entrypoint: string): unknown | undefined;
  /**
   * The same for input given as JSON text, which the caller makes sure is JSON (a module taskgate compiled refuses
   * any other text, eval_internal_error; one built by `opa build` is not relied on to).
   */
  evaluateJson(inputJson: string, entrypoint: string): unknown | undefined;
}

export interface EngineOptions {
  /** Builtins the module may import, by name; defaults to taskgate's host builtins. */
  builtins?: Record<string, HostBuiltin>;
}

// The SDK consults its own JS builtins before the custom ones it is given, and those do not follow OPA:
// `sprintf` is sprintf-js (`%v` is not Go's), `regex.split` uses JS regex syntax, `yaml.*` and `json.is_valid`
// differ on edge cases. Its builtins module is a plain CommonJS object shared by every SDK instance, so emptying
// it (loaded by absolute path, because the package's `exports` hide it) makes every builtin call come to ours.
function silenceSdkBuiltins(): void {
  const require = createRequire(import.meta.url);
  const sdkEntry = require.resolve('@open-policy-agent/opa-wasm');
  const sdkBuiltins = require(join(dirname(sdkEntry), 'builtins', 'index.js')) as Record<string, unknown>;
  for (const name of Object.keys(sdkBuiltins)) delete sdkBuiltins[name];
}
silenceSdkBuiltins();

/** OPA evaluates builtins leniently: one that rejects its arguments makes its call undefined, not an error. */
function undefinedOnThrow(builtins: Record<string, HostBuiltin>): Record<string, HostBuiltin> {
  const wrapped: Record<string, HostBuiltin> = {};
  for (const [name, fn] of Object.entries(builtins)) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch {
        return undefined;
      }
    };
  }
  return wrapped;
}

/** The SDK throws strings (opa_abort), plain objects (missing builtins) and WebAssembly traps; name them. */
export function toEvalError(thrown: unknown): EvalError {
  if (thrown instanceof EvalError) return thrown;
  if (typeof thrown === 'string') {
    return new EvalError(thrown.includes('conflict') ? 'eval_conflict_error' : 'eval_internal_error', thrown);
  }
  if (thrown instanceof WebAssembly.RuntimeError) {
    return new EvalError('eval_internal_error', `policy module trapped: ${thrown.message}`);
  }
  const message = (thrown as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message.startsWith('not implemented: built-in function')) {
    return new EvalError('eval_builtin_error', message);
  }
  return new EvalError('eval_internal_error', typeof message === 'string' ? message : String(thrown));
}

/** JSON text as an ArrayBuffer: the SDK treats falsy JS inputs (false, 0, "") as "no input", but not buffers. */
function jsonBuffer(value: unknown, what: string): ArrayBuffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new EvalError('eval_input_error', `${what} is not JSON: ${(e as Error).message}`);
  }
  if (text === undefined) throw new EvalError('eval_input_error', `${what} is not JSON`);
  return textBuffer(text);
}

function textBuffer(text: string): ArrayBuffer {
  const bytes = utf8.encode(text);
  // encode() usually returns a view over a buffer of exactly its length: hand that buffer over without a copy.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const utf8 = new TextEncoder();

/** The single value of a result set `[{"result": v}]`; an empty set is undefined. */
function resultValue(resultSet: unknown): unknown | undefined {
  if (!Array.isArray(resultSet)) throw new EvalError('eval_internal_error', 'policy module returned no result set');
  if (resultSet.length === 0) return undefined;
  if (resultSet.length > 1) throw new EvalError('eval_internal_error', 'policy module returned several results');
  return (resultSet[0] as { result?: unknown }).result;
}

/** Instantiates the module with `data` as its base documents. */
export async function loadEngine(wasm: Uint8Array, data?: unknown, options: EngineOptions = {}): Promise<Engine> {
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    const descriptor = memoryDescriptorFor(importedMemoryLimits(wasm));
    policy = await loadPolicy(wasm, descriptor, undefinedOnThrow(options.builtins ?? hostBuiltins));
    if (data !== undefined) policy.setData(jsonBuffer(data, 'data'));
  } catch (e) {
    const err = toEvalError(e);
    throw new EvalError(err.code, `cannot load policy module: ${err.message}`);
  }
  const ids = policy.entrypoints as Record<string, number>;
  const run = (input: ArrayBuffer | undefined, entrypoint: string): unknown | undefined => {
    if (!Object.prototype.hasOwnProperty.call(ids, entrypoint)) {
      throw new EvalError('eval_unknown_entrypoint', `no entrypoint ${entrypoint} (have: ${Object.keys(ids).join(', ')})`);
    }
    try {
      return resultValue(policy.evaluate(input, ids[entrypoint]));
    } catch (e) {
      throw toEvalError(e);
    }
  };
  return {
    entrypoints: Object.keys(ids),
    evaluate: (input, entrypoint) => run(input === undefined ? undefined : jsonBuffer(input, 'input'), entrypoint),
    evaluateJson: (inputJson, entrypoint) => run(textBuffer(inputJson), entrypoint),
  };
}
