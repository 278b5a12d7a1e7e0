// Who may approve is a policy decision: `data.taskgate.approve`, evaluated over `{approver, request, now}` by the
// policy the decider has loaded for its decisions: one module, one revision, swapped with every reload. Whatever
// it answers, the service never lets a requester approve their own request; this module only asks the policy.
import { EvalError, toEvalError } from '../../rego/engine.js';
import type { PolicyEngine } from '../engine/policy-engine.js';
import { APPROVE_ENTRYPOINT, describeSource } from '../engine/policy-source.js';
import type { JsonValue } from '../store/index.js';
import type { ApprovalIdentity } from './types.js';

export { APPROVE_ENTRYPOINT };

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
  decide(input: ApproveInput): ApproverVerdict;
}

/** Asks the policy active in `engine` at the moment of each vote. */
export function activeApproverPolicy(engine: PolicyEngine): ApproverPolicy {
  return {
    decide(input) {
      const policy = engine.current;
      if (policy === undefined) return refused(`the decider has no policy loaded (${describeSource(engine.source)} failed to load)`);
      if (policy.approveMissing !== undefined) return refused(policy.approveMissing);
      let value: unknown;
      try {
        value = policy.engine.evaluate(input, APPROVE_ENTRYPOINT);
      } catch (e) {
        const err = e instanceof EvalError ? e : toEvalError(e);
        return refused(`evaluating data.taskgate.approve failed (${err.code}: ${err.message})`);
      }
      return verdictOf(value);
    },
  };
}

/** Anything but `{"allowed": true, "reasons": [...]}` refuses: an approval policy fails closed like any other. */
function verdictOf(value: unknown): ApproverVerdict {
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
