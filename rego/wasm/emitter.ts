// The last compiler stage: planned IR to a WASM module that follows OPA's ABI 1.3. The runtime (value model,
// JSON, allocator, native builtins) is prebuilt; this stage reads it with binaryen, adds one function per planned
// function, the constants, the entrypoint dispatch and the generated exports, then drops unused runtime code.
import binaryen from 'binaryen';
import type { Plan } from '../plan/ir.js';
import { buildConstants } from './consts.js';
import type { EmitContext, PlannedFunction } from './context.js';
import { addGeneratedExports, pruneExports, replaceRunEntrypoint } from './exports.js';
import { HostBuiltins } from './host-builtins.js';
import { RuntimeLink } from './link.js';
import { changesOnlyNewCollections } from './lookup-cache.js';
import { Memo } from './memo.js';
import { planFunction } from './names.js';
import { readRuntimeBinary } from './runtime-binary.js';
import { validationRequested } from './validation.js';
import { addStart, addStartGlobals } from './start.js';
import { StaticData } from './static-data.js';
import { compileFunction } from './stmts.js';

export interface EmittedPolicy {
  wasm: Uint8Array;
  /** entrypoint name to id, as the `entrypoints` export reports them */
  entrypoints: Record<string, number>;
}

/** What Node 20 (and so the SDK) runs; binaryen's passes must not use anything newer. */
const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.MutableGlobals |
  binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.Multivalue;

/**
 * Why binaryen's optimizer is not run on the generated code. V8 compiles the module with its own
 * optimizing compiler, which does what simplify-locals, coalesce-locals or merge-blocks would; measured on the
 * shipped decision, those passes changed nothing per evaluation but cost about 1 s of a cold compile. Inlining
 * is not needed either: calls to the runtime's export wrappers go straight to the functions they wrap (see
 * link.ts), and what inlining still gained (about 1 µs of 75) was inside the runtime, where it belongs to the
 * runtime's own build.
 */
export async function emit(plan: Plan): Promise<EmittedPolicy> {
  const entrypoints = entrypointIds(plan);
  const module = binaryen.readBinary(readRuntimeBinary());
  try {
    module.setFeatures(FEATURES);
    const ctx: EmitContext = {
      module,
      runtime: new RuntimeLink(module),
      data: new StaticData(),
      hostBuiltins: new HostBuiltins(),
      memo: new Memo(module, plan.memoSlots),
      constCount: plan.consts.length,
      funcs: plannedFunctions(plan),
      cacheLookups: changesOnlyNewCollections(plan),
    };
    addStartGlobals(module);
    const constants = buildConstants(ctx, plan.consts);
    for (const func of plan.funcs) compileFunction(ctx, func);
    replaceRunEntrypoint(ctx, plan);
    addGeneratedExports(ctx);
    pruneExports(module);
    addStart(ctx, constants, JSON.stringify(entrypoints));
    if (validationRequested() && !module.validate()) {
      throw new Error('emitter: the generated module does not validate (details above)');
    }
    // Drops the runtime code no generated code reaches: the one pass worth its cost.
    module.runPasses(['remove-unused-module-elements']);
    return { wasm: module.emitBinary(), entrypoints };
  } finally {
    module.dispose();
  }
}

function entrypointIds(plan: Plan): Record<string, number> {
  const ids: Record<string, number> = {};
  plan.entrypoints.forEach((ep, i) => {
    if (Object.hasOwn(ids, ep.name)) throw new Error(`emitter: entrypoint ${ep.name} is planned twice`);
    ids[ep.name] = i;
  });
  return ids;
}

function plannedFunctions(plan: Plan): Map<string, PlannedFunction> {
  const funcs = new Map<string, PlannedFunction>();
  for (const f of plan.funcs) {
    if (funcs.has(f.name)) throw new Error(`emitter: function ${f.name} is planned twice`);
    funcs.set(f.name, { internal: planFunction(f.name), params: f.params });
  }
  return funcs;
}
