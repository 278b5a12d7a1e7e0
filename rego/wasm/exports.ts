// The module's ABI surface: the dispatch from entrypoint id to planned function (in place of the runtime's
// `taskgate.run_entrypoint` import), the generated `builtins` and `entrypoints` exports, and nothing else that
// OPA's ABI does not name.
import binaryen from 'binaryen';
import type { Plan } from '../plan/ir.js';
import { abort, type EmitContext } from './context.js';
import { BUILTINS_EXPORT, BUILTINS_VALUE, ENTRYPOINTS_EXPORT, ENTRYPOINTS_VALUE } from './names.js';

const i32 = binaryen.i32;

/** Every export OPA's WASM ABI 1.3 names; a runtime without one of them cannot make a loadable policy. */
const ABI_FUNCTIONS = [
  'opa_malloc', 'opa_free', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_json_parse', 'opa_value_parse',
  'opa_json_dump', 'opa_value_dump', 'opa_value_add_path', 'opa_value_remove_path', 'opa_eval_ctx_new',
  'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint', 'opa_eval_ctx_get_result',
  'eval', 'opa_eval',
];
const ABI_GLOBALS = ['opa_wasm_abi_version', 'opa_wasm_abi_minor_version'];
const GENERATED = { builtins: BUILTINS_EXPORT, entrypoints: ENTRYPOINTS_EXPORT };

/**
 * Replaces the runtime's `taskgate.run_entrypoint(id, input, data)` import with a function that starts a new
 * evaluation (forgetting memoized values) and calls entrypoint `id`'s function. An unknown id aborts: answering
 * "undefined" for a typo'd entrypoint would look like a deny that is not one.
 */
export function replaceRunEntrypoint(ctx: EmitContext, plan: Plan): void {
  const m = ctx.module;
  const internal = ctx.runtime.importedFunction('taskgate', 'run_entrypoint');
  if (!internal) throw new Error('emitter: the runtime does not import taskgate.run_entrypoint; rebuild it with `make runtime`');
  const [id, input, data] = [0, 1, 2];
  const labels = plan.entrypoints.map((_, i) => `entrypoint${i}`);
  let dispatch = m.switch(labels, 'unknown', m.local.get(id, i32));
  plan.entrypoints.forEach((ep, i) => {
    const func = ctx.funcs.get(ep.func);
    if (!func) throw new Error(`emitter: entrypoint ${ep.name} names unknown function ${ep.func}`);
    if (func.params !== 2) throw new Error(`emitter: entrypoint ${ep.name}'s function takes ${func.params} params, not (input, data)`);
    // br_table jumps to the end of block i, which is where entrypoint i's call sits.
    dispatch = m.block(null, [
      m.block(labels[i], [dispatch]),
      m.return(m.call(func.internal, [m.local.get(input, i32), m.local.get(data, i32)], i32)),
    ]);
  });
  m.removeFunction(internal);
  m.addFunction(internal, binaryen.createType([i32, i32, i32]), i32, [], m.block(null, [
    ctx.memo.beginEvaluation(),
    m.block('unknown', [dispatch]),
    abort(ctx, 'invalid entrypoint id'),
  ], i32));
}

/** `builtins` and `entrypoints` return values the start function parsed from JSON once. */
export function addGeneratedExports(ctx: EmitContext): void {
  const m = ctx.module;
  for (const [exported, internal, value] of [
    ['builtins', GENERATED.builtins, BUILTINS_VALUE],
    ['entrypoints', GENERATED.entrypoints, ENTRYPOINTS_VALUE],
  ]) {
    if (m.getExport(exported)) m.removeExport(exported);
    m.addFunction(internal, binaryen.none, i32, [], m.global.get(value, i32));
    m.addFunctionExport(internal, exported);
  }
}

/** Removes every export OPA's ABI does not name, after checking the runtime has all it does. */
export function pruneExports(module: binaryen.Module): void {
  const keep = new Set([...ABI_FUNCTIONS, ...ABI_GLOBALS, ...Object.keys(GENERATED)]);
  const present = new Set<string>();
  for (let i = 0; i < module.getNumExports(); i++) present.add(binaryen.getExportInfo(module.getExportByIndex(i)).name);
  const missing = [...keep].filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new Error(`emitter: the runtime lacks OPA ABI exports ${missing.join(', ')}; rebuild it with \`make runtime\``);
  }
  for (const name of present) if (!keep.has(name)) module.removeExport(name);
}
