// Where the decider's policy comes from: a directory of Rego and data compiled at (re)load, or a bundle built by
// `taskgate policy build` or `opa build -t wasm`. Either way the result is one WASM module with both entrypoints
// (what is decided, and who may approve), its data, and a revision that names exactly this content in the audit
// log, so a reload switches both at once.
import { readFile } from 'node:fs/promises';
import { BundleError, defaultRevision, readBundle } from '../../rego/bundle.js';
import { normalizeEntrypoint } from '../../rego/compile.js';
import { compileInWorker } from './compile-in-worker.js';

export const DECISION_ENTRYPOINT = 'taskgate/decision';
/** `data.taskgate.approve`: who may approve a request (decider/approvals/approver-policy.ts). */
export const APPROVE_ENTRYPOINT = 'taskgate/approve';

export type PolicySource = { readonly kind: 'directory'; readonly path: string } | { readonly kind: 'bundle'; readonly path: string };

export interface LoadedPolicy {
  readonly wasm: Uint8Array;
  readonly data: Record<string, unknown>;
  readonly revision: string;
  /** For the log: what was loaded, e.g. `policies/ (12 files)`. */
  readonly description: string;
  /** Entrypoints the module answers undefined because no rule defines them (a directory only says). */
  readonly undefinedEntrypoints: readonly string[];
}

/** A policy that cannot be used; the message says which file and why. */
export class PolicyLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyLoadError';
  }
}

export function describeSource(source: PolicySource): string {
  return source.kind === 'directory' ? `policy directory ${source.path}` : `bundle ${source.path}`;
}

/** Loads (compiling when needed) the policy. Throws PolicyLoadError. */
export async function loadPolicySource(source: PolicySource): Promise<LoadedPolicy> {
  return source.kind === 'directory' ? loadDirectory(source.path) : loadBundleFile(source.path);
}

async function loadDirectory(dir: string): Promise<LoadedPolicy> {
  const result = await compileInWorker({ dir, entrypoints: [DECISION_ENTRYPOINT, APPROVE_ENTRYPOINT] });
  if (!result.ok) throw new PolicyLoadError(`cannot compile ${dir}:\n${result.error}`);
  return {
    wasm: result.wasm,
    data: result.data,
    // The same digest `taskgate policy build` puts in a bundle's manifest, so a directory and the bundle built
    // from it carry one revision.
    revision: defaultRevision(result.wasm, result.data),
    description: `${dir} (${result.files} policy file${result.files === 1 ? '' : 's'}, compiled)`,
    undefinedEntrypoints: result.undefinedEntrypoints,
  };
}

async function loadBundleFile(file: string): Promise<LoadedPolicy> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PolicyLoadError(`cannot read bundle ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const bundle = await readBundle(bytes);
    const entrypoints = (bundle.manifest.wasm ?? []).map((w) => normalizeEntrypoint(w.entrypoint));
    if (bundle.manifest.wasm !== undefined && !entrypoints.includes(DECISION_ENTRYPOINT)) {
      throw new PolicyLoadError(
        `bundle ${file} has no entrypoint ${DECISION_ENTRYPOINT} (it has: ${entrypoints.join(', ') || 'none'}); ` +
          `build it with -e ${DECISION_ENTRYPOINT} -e ${APPROVE_ENTRYPOINT}`,
      );
    }
    const revision = bundle.manifest.revision || defaultRevision(bundle.wasm, bundle.data);
    return { wasm: bundle.wasm, data: bundle.data, revision, description: `bundle ${file}`, undefinedEntrypoints: [] };
  } catch (e) {
    if (e instanceof PolicyLoadError) throw e;
    if (e instanceof BundleError) throw new PolicyLoadError(`cannot read bundle ${file}: ${e.message}`);
    throw e;
  }
}
