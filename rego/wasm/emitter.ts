// The last compiler stage: planned IR to a WASM module that follows OPA's ABI 1.3. The runtime (value model,
// JSON, allocator, native builtins) is prebuilt; this stage reads it with binaryen, adds one function per planned
// function, the constants, the entrypoint dispatch and the generated exports, then optimizes the whole.
import binaryen from 'binaryen';
import type { Plan } from '../plan/ir.js';
import { buildConstants } from './consts.js';
import type { EmitContext, PlannedFunction } from './context.js';
import { addGeneratedExports, pruneExports, replaceRunEntrypoint } from './exports.js';
import { HostBuiltins } from './host-builtins.js';
import { RuntimeLink } from './link.js';
import { Memo } from './memo.js';
import { planFunction } from './names.js';
import { readRuntimeBinary } from './runtime-binary.js';
import { addStart, addStartGlobals } from './start.js';
import { StaticData } from './static-data.js';
import { compileFunction } from './stmts.js';

export interface EmittedPolicy {
  wasm: Uint8Array;
  /** entrypoint name to id, as the `entrypoints` export reports them */
  entrypoints: Record<string, number>;
}

/** What Node 20 (and so the SDK) runs; binaryen must not use anything newer while optimizing. */
const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.MutableGlobals |
  binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.Multivalue;

const OPTIMIZE_LEVEL = 2;
const SHRINK_LEVEL = 1;
const GENERATED_CODE_PASSES = [
  'simplify-locals', 'optimize-instructions', 'remove-unused-brs', 'merge-blocks', 'vacuum', 'coalesce-locals',
  'reorder-locals', 'remove-unused-names',
];

export async function emit(plan: Plan): Promise<EmittedPolicy> {
  const entrypoints = entrypointIds(plan);
  const module = binaryen.readBinary(readRuntimeBinary());
  try {
    module.setFeatures(FEATURES);
    const runtimeFunctions = new Set(definedFunctions(module));
    const ctx: EmitContext = {
      module,
      runtime: new RuntimeLink(module),
      data: new StaticData(),
      hostBuiltins: new HostBuiltins(),
      memo: new Memo(module, plan.memoSlots),
      constCount: plan.consts.length,
      funcs: plannedFunctions(plan),
    };
    addStartGlobals(module);
    const constants = buildConstants(ctx, plan.consts);
    for (const func of plan.funcs) compileFunction(ctx, func);
    const runEntrypoint = replaceRunEntrypoint(ctx, plan);
    addGeneratedExports(ctx);
    pruneExports(module);
    addStart(ctx, constants, JSON.stringify(entrypoints));
    if (!module.validate()) throw new Error('emitter: the generated module does not validate (details above)');
    optimize(module, definedFunctions(module).filter((f) => !runtimeFunctions.has(f) || f === runEntrypoint));
    return { wasm: module.emitBinary(), entrypoints };
  } finally {
    module.dispose();
  }
}

/**
 * The runtime arrives optimized, so binaryen's full pipeline is not run again (it costs about a second per
 * compile). Small runtime functions are inlined into their callers (value type tests, lookups: about 5% of the
 * time spent in WASM per evaluation, for about 0.6 ms of compile time per rule), the functions the emitter wrote
 * get the passes that matter for straight-line calls, branches and locals, and unused runtime code is dropped.
 */
function optimize(module: binaryen.Module, generated: string[]): void {
  binaryen.setOptimizeLevel(OPTIMIZE_LEVEL);
  binaryen.setShrinkLevel(SHRINK_LEVEL);
  module.runPasses(['inlining']);
  // inlining removes functions it inlined everywhere, generated helpers included
  for (const f of generated) if (module.getFunction(f)) module.runPassesOnFunction(f, GENERATED_CODE_PASSES);
  module.runPasses(['remove-unused-module-elements']);
}

/** Names of the functions with a body (not imports). */
function definedFunctions(module: binaryen.Module): string[] {
  const names: string[] = [];
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (info.module === null || info.module === '') names.push(info.name);
  }
  return names;
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
