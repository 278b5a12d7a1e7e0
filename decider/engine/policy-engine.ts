// The decider's policy engine: one active policy at a time, swapped whole on reload.
//
// A decision evaluates synchronously against the policy that is active when it starts, and reports that policy's
// revision, so a reload can never mix two policies in one decision nor attribute a decision to the wrong one.
// The same module answers who may approve (`data.taskgate.approve`), so decisions and votes always follow one
// revision. A reload that fails keeps the active policy and says why.
import { EvalError, loadEngine, toEvalError, type Engine } from '../../rego/engine.js';
import { denyBecause, validateDecision, type Decision } from './decision.js';
import {
  APPROVE_ENTRYPOINT,
  DECISION_ENTRYPOINT,
  describeSource,
  loadPolicySource,
  PolicyLoadError,
  type LoadedPolicy,
  type PolicySource,
} from './policy-source.js';

export interface ActivePolicy {
  readonly engine: Engine;
  readonly revision: string;
  readonly description: string;
  readonly loadedAt: Date;
  /**
   * Why this policy cannot say who may approve (no `data.taskgate.approve`), naming the fix; every vote is
   * refused with it. Absent when it can.
   */
  readonly approveMissing?: string;
}

export interface EngineDecision {
  readonly decision: Decision;
  /** The revision of the policy that decided; empty when there was no policy. */
  readonly revision: string;
  readonly evalMicros: number;
}

export type ReloadOutcome =
  | { readonly status: 'loaded'; readonly revision: string; readonly description: string; readonly previous?: string }
  | { readonly status: 'unchanged'; readonly revision: string }
  | { readonly status: 'failed'; readonly error: string; readonly kept?: string };

export interface PolicyEngineOptions {
  readonly source: PolicySource;
  /**
   * An evaluation that takes longer than this is answered deny. WASM runs synchronously on this thread and
   * cannot be interrupted, so the limit is applied when it returns: it bounds what a slow policy can allow, not
   * how long it runs.
   */
  readonly evaluationTimeoutMs: number;
  readonly log: (line: string) => void;
  readonly onReload?: (outcome: ReloadOutcome) => void;
}

export class PolicyEngine {
  private active: ActivePolicy | undefined;
  private reloading: Promise<ReloadOutcome> | undefined;
  private reloadAgain = false;

  constructor(private readonly options: PolicyEngineOptions) {}

  get current(): ActivePolicy | undefined {
    return this.active;
  }

  get source(): PolicySource {
    return this.options.source;
  }

  /** Decides one input, given as JSON text (../server/policy-input.ts). Never throws: every failure is a deny that names it. */
  decide(inputJson: string): EngineDecision {
    const policy = this.active;
    if (policy === undefined) {
      return { decision: denyBecause(`the decider has no policy loaded (${describeSource(this.options.source)} failed to load), so it is denied`), revision: '', evalMicros: 0 };
    }
    const started = process.hrtime.bigint();
    let value: unknown;
    let failure: EvalError | undefined;
    try {
      value = policy.engine.evaluateJson(inputJson, DECISION_ENTRYPOINT);
    } catch (e) {
      failure = toEvalError(e);
    }
    const evalMicros = Number((process.hrtime.bigint() - started) / 1000n);
    const decision = failure !== undefined
      ? denyBecause(`evaluating the policy failed (${failure.code}: ${failure.message}), so it is denied`)
      : evalMicros > this.options.evaluationTimeoutMs * 1000
        ? denyBecause(`evaluating the policy took ${(evalMicros / 1000).toFixed(1)} ms, over the ${this.options.evaluationTimeoutMs} ms limit, so it is denied`)
        : validateDecision(value);
    return { decision, revision: policy.revision, evalMicros };
  }

  /**
   * Loads the source again and swaps it in. Calls made while a reload runs share one more reload after it, so a
   * burst of file changes costs at most two compiles and the last change is always picked up.
   */
  reload(): Promise<ReloadOutcome> {
    if (this.reloading !== undefined) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.reloadLoop().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reloadLoop(): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    do {
      this.reloadAgain = false;
      outcome = await this.loadOnce();
      this.report(outcome);
    } while (this.reloadAgain);
    return outcome;
  }

  private async loadOnce(): Promise<ReloadOutcome> {
    const previous = this.active;
    try {
      const loaded = await loadPolicySource(this.options.source);
      if (previous !== undefined && previous.revision === loaded.revision) return { status: 'unchanged', revision: loaded.revision };
      const engine = await loadEngine(loaded.wasm, loaded.data);
      if (!engine.entrypoints.includes(DECISION_ENTRYPOINT)) {
        throw new PolicyLoadError(`${loaded.description} has no entrypoint ${DECISION_ENTRYPOINT}`);
      }
      const approveMissing = approveMissingReason(this.options.source, loaded, engine);
      this.active = { engine, revision: loaded.revision, description: loaded.description, loadedAt: new Date(), ...(approveMissing ? { approveMissing } : {}) };
      if (approveMissing !== undefined) this.options.log(`policy: ${approveMissing}`);
      return { status: 'loaded', revision: loaded.revision, description: loaded.description, previous: previous?.revision };
    } catch (e) {
      const error = e instanceof PolicyLoadError || e instanceof EvalError ? e.message : `unexpected failure: ${(e as Error)?.stack ?? String(e)}`;
      return { status: 'failed', error, kept: previous?.revision };
    }
  }

  private report(outcome: ReloadOutcome): void {
    const { log } = this.options;
    if (outcome.status === 'loaded') {
      log(`policy: loaded ${outcome.description}, revision ${outcome.revision}${outcome.previous ? ` (was ${outcome.previous})` : ''}`);
    } else if (outcome.status === 'unchanged') {
      log(`policy: ${describeSource(this.options.source)} changed on disk but compiles to the active revision ${outcome.revision}`);
    } else {
      const keeping = outcome.kept ? `keeping revision ${outcome.kept}` : 'no policy is active: every decision is deny';
      log(`policy: cannot load ${describeSource(this.options.source)}, ${keeping}:\n${outcome.error}`);
    }
    this.options.onReload?.(outcome);
  }
}

/**
 * A bundle may have been built for decisions only; a directory may define no approve rule at all (the compiler
 * then answers it undefined, which would read as "this approver is not allowed" at every vote).
 */
function approveMissingReason(source: PolicySource, loaded: LoadedPolicy, engine: Engine): string | undefined {
  if (!engine.entrypoints.includes(APPROVE_ENTRYPOINT)) {
    return (
      `${loaded.description} has no entrypoint ${APPROVE_ENTRYPOINT}, so every approval vote is refused; ` +
      `rebuild it with \`taskgate policy build -e ${DECISION_ENTRYPOINT} -e ${APPROVE_ENTRYPOINT}\``
    );
  }
  if (loaded.undefinedEntrypoints.includes(APPROVE_ENTRYPOINT)) {
    return (
      `${describeSource(source)} defines no rule data.taskgate.approve, so every approval vote is refused; ` +
      'add one that says who may approve (see docs/approvals.md)'
    );
  }
  return undefined;
}
