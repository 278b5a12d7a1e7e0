// The one call the decider makes per operation to apply approvals around a policy decision, so that every
// protocol (the gRPC Decide and DecideStream handlers alike) holds, reuses and consumes approvals the same way.
import type { Decision } from '../engine/decision.js';
import type { ApprovalService } from './approvals.js';
import { ApprovalError, type InputApproval, type OperationContext } from './types.js';

export interface GatedDecision {
  readonly decision: Decision;
  /** `input.approval` as the policy saw it; absent when no approval matched. */
  readonly inputApproval?: InputApproval;
  /** For `require_approval`: the request the shim waits on (`waitFor`). For an allow: the approval it used. */
  readonly approvalId?: string;
}

/**
 * Finds the approval for this exact operation, evaluates the policy with it as `input.approval`, then:
 * - require_approval: reuses the request still pending for this operation, or records a new one;
 * - allow or mask on an approved approval: consumes it (a `once` approval admits this run and no other); if it can
 *   no longer be used (used meanwhile, expired) the operation is denied, never let through;
 * - anything else is returned as the policy decided it.
 */
export async function decideWithApprovals(
  approvals: ApprovalService,
  ctx: OperationContext,
  evaluate: (inputApproval: InputApproval | undefined) => Decision | Promise<Decision>,
): Promise<GatedDecision> {
  const inputApproval = await approvals.inputFor(ctx);
  const decision = await evaluate(inputApproval);
  const seen = inputApproval === undefined ? {} : { inputApproval };
  if (decision.verdict === 'require_approval' && decision.approval !== undefined) {
    const approvalId =
      inputApproval?.status === 'pending'
        ? inputApproval.id
        : (await approvals.request(ctx, { reasons: decision.reasons, approval: decision.approval })).id;
    const waiting = `approval ${approvalId} is pending: an approver runs \`taskgate approve ${approvalId}\``;
    return { decision: { ...decision, reasons: [...decision.reasons, waiting] }, approvalId, ...seen };
  }
  if ((decision.verdict === 'allow' || decision.verdict === 'mask') && inputApproval?.status === 'approved') {
    try {
      await approvals.consume(inputApproval.id, {
        sessionId: ctx.sessionId,
        fingerprint: approvals.fingerprintOf(ctx),
        subject: ctx.identity.subject,
        ...(ctx.task ? { taskId: ctx.task.id } : {}),
      });
    } catch (err) {
      if (!(err instanceof ApprovalError)) throw err;
      const reason = `${err.message}, so the operation is denied: repeat it to ask for a new approval`;
      return { decision: { verdict: 'deny', reasons: [reason], mask: [] }, ...seen };
    }
    return { decision, approvalId: inputApproval.id, ...seen };
  }
  return { decision, ...seen };
}
