// Who may approve is a policy decision: `data.taskgate.approve`, evaluated by the same Rego -> WASM engine as
// every decision, over `{approver, request, now}`. Whatever it answers, the service never lets a requester approve
// their own request; this module only asks the policy.
import { EvalError, loadEngine, toEvalError, type Engine } from '../../rego/engine.js';
import { compileInWorker } from '../engine/compile-in-worker.js';
import { describeSource, loadPolicySource, PolicyLoadError, type PolicySource } from '../engine/policy-source.js';
import type { JsonValue } from '../store/index.js';
import type { ApprovalIdentity } from './types.js';

export const APPROVE_ENTRYPOINT = 'taskgate/approve';

/** The input of `data.taskgate.approve`. */
export interface ApproveInput {
  readonly approver: ApprovalIdentity;
  readonly request: JsonValue;
  /** RFC 3339 UTC, as in decisions. */
  readonly now: string;
}

export interface ApproverVerdict {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

export interface ApproverPolicy {
  decide(input: ApproveInput): Promise<ApproverVerdict>;
  /** A request was just recorded, so a vote is coming: get ready to answer it (compile, if not done yet). */
  prepare?(): void;
}

/** Compiles (directory) or loads (bundle) the policy for the approve entrypoint. Throws PolicyLoadError. */
export async function loadApproverPolicy(source: PolicySource): Promise<ApproverPolicy> {
  if (source.kind === 'directory') {
    const result = await compileInWorker({ dir: source.path, entrypoint: APPROVE_ENTRYPOINT });
    if (!result.ok) throw new PolicyLoadError(`cannot compile ${source.path} for ${APPROVE_ENTRYPOINT}:\n${result.error}`);
    return approverPolicyOf(await loadEngine(result.wasm, result.data));
  }
  const loaded = await loadPolicySource(source);
  const engine = await loadEngine(loaded.wasm, loaded.data);
  if (!engine.entrypoints.includes(APPROVE_ENTRYPOINT)) {
    throw new PolicyLoadError(
      `${describeSource(source)} has no entrypoint ${APPROVE_ENTRYPOINT}, so nobody could approve anything; ` +
        `build it with -e ${APPROVE_ENTRYPOINT} as well`,
    );
  }
  return approverPolicyOf(engine);
}

export function approverPolicyOf(engine: Engine): ApproverPolicy {
  return {
    async decide(input) {
      let value: unknown;
      try {
        value = engine.evaluate(input, APPROVE_ENTRYPOINT);
      } catch (e) {
        const err = e instanceof EvalError ? e : toEvalError(e);
        return refused(`evaluating data.taskgate.approve failed (${err.code}: ${err.message})`);
      }
      return verdictOf(value);
    },
  };
}

/** Anything but `{"allowed": true, "reasons": [...]}` refuses: an approval policy fails closed like any other. */
export function verdictOf(value: unknown): ApproverVerdict {
  if (value === undefined) return refused('data.taskgate.approve is undefined for this approver and request');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refused(`data.taskgate.approve is ${JSON.stringify(value)}, not an object {"allowed", "reasons"}`);
  }
  const { allowed, reasons } = value as Record<string, unknown>;
  if (typeof allowed !== 'boolean') return refused('data.taskgate.approve has no boolean "allowed"');
  if (!Array.isArray(reasons) || reasons.some((r) => typeof r !== 'string')) {
    return refused('data.taskgate.approve has no list of strings "reasons"');
  }
  return { allowed, reasons: reasons as string[] };
}

function refused(reason: string): ApproverVerdict {
  return { allowed: false, reasons: [`${reason}, so the approval is refused`] };
}

/**
 * The approver policy a long-running decider keeps. It is compiled when first needed (the first request is
 * recorded, or the first vote), not at start: compiling costs as much as the decision policy, and a decider may
 * run for long without holding anything. `invalidate()` (the decision policy reloaded) makes it compile again. A compile that fails keeps
 * the previous policy; with none, every approver is refused with the compile error.
 */
export class ReloadableApproverPolicy implements ApproverPolicy {
  private current: ApproverPolicy | undefined;
  private stale = true;
  private loading: Promise<string | undefined> | undefined;
  private lastError = 'it has not been compiled yet';

  constructor(
    private readonly source: PolicySource,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** The policy files changed: compile them again before the next vote. */
  invalidate(): void {
    this.stale = true;
  }

  /** Starts the compile a vote would wait for, while the request waits for its approvers anyway. */
  prepare(): void {
    if (this.stale) void this.reload();
  }

  /** Compiles the source now, after any compile in progress; resolves with the error message when it fails. */
  reload(): Promise<string | undefined> {
    this.stale = false;
    const next = (this.loading ?? Promise.resolve(undefined)).then(() => this.load());
    this.loading = next;
    void next.finally(() => {
      if (this.loading === next) this.loading = undefined;
    });
    return next;
  }

  async decide(input: ApproveInput): Promise<ApproverVerdict> {
    if (this.stale) await this.reload();
    else if (this.loading !== undefined) await this.loading;
    if (this.current === undefined) return refused(`${describeSource(this.source)} did not load data.taskgate.approve (${this.lastError})`);
    return this.current.decide(input);
  }

  private async load(): Promise<string | undefined> {
    try {
      this.current = await loadApproverPolicy(this.source);
      return undefined;
    } catch (e) {
      this.lastError = e instanceof PolicyLoadError || e instanceof EvalError ? e.message : String((e as Error)?.message ?? e);
      const kept = this.current === undefined ? ', so every vote is refused' : ' (the previous one stays)';
      this.log(`approvals: cannot load data.taskgate.approve from ${describeSource(this.source)}${kept}: ${this.lastError}`);
      return this.lastError;
    }
  }
}
