// The one call the decider makes per operation to apply approvals around a policy decision, so that every
// protocol (the gRPC Decide and DecideStream handlers alike) holds, reuses and consumes approvals the same way.
import type { Decision } from '../engine/decision.js';
import type { ApprovalService } from './approvals.js';
import { ApprovalError, type Approval, type InputApproval, type OperationContext } from './types.js';

export interface GatedDecision {
  readonly decision: Decision;
  /** `input.approval` as the policy saw it; absent when no approval matched. */
  readonly inputApproval?: InputApproval;
  /** For `require_approval`: the request the shim waits on (`waitFor`). For an allow: the approval it used. */
  readonly approvalId?: string;
  /** For `require_approval`: that request as it stands, to hand to the shim. */
  readonly request?: Approval;
}

/**
 * Evaluates the policy, and when it holds the operation, finds the approval for this exact operation and
 * evaluates again with it as `input.approval`, then:
 * - require_approval: reuses the request still pending for this operation, or records a new one;
 * - allow or mask on an approved approval: consumes it (a `once` approval admits this run and no other); if it can
 *   no longer be used (used meanwhile, expired) the operation is denied, never let through;
 * - anything else is returned as the policy decided it.
 * `input.approval` only ever turns a held operation into an allow or a deny, so an operation the policy does not
 * hold is decided without reading the store: the approvals lookup costs nothing on the common path.
 */
export async function decideWithApprovals(
  approvals: ApprovalService,
  ctx: OperationContext,
  evaluate: (inputApproval: InputApproval | undefined) => Decision | Promise<Decision>,
): Promise<GatedDecision> {
  const unapproved = await evaluate(undefined);
  if (unapproved.verdict !== 'require_approval') return { decision: unapproved };
  const inputApproval = await approvals.inputFor(ctx);
  if (inputApproval === undefined) return held(approvals, ctx, unapproved, undefined);
  const decision = await evaluate(inputApproval);
  if (decision.verdict === 'require_approval') return held(approvals, ctx, decision, inputApproval);
  if ((decision.verdict === 'allow' || decision.verdict === 'mask') && inputApproval.status === 'approved') {
    try {
      await approvals.consume(inputApproval.id, {
        sessionId: ctx.sessionId,
        fingerprint: approvals.fingerprintOf(ctx),
        subject: ctx.identity.subject,
        ...(ctx.task ? { taskId: ctx.task.id } : {}),
        named: ctx.approvalId === inputApproval.id,
      });
    } catch (err) {
      if (!(err instanceof ApprovalError)) throw err;
      const reason = `${err.message}, so the operation is denied: repeat it to ask for a new approval`;
      return { decision: { verdict: 'deny', reasons: [reason], mask: [] }, inputApproval };
    }
    return { decision, approvalId: inputApproval.id, inputApproval };
  }
  return { decision, inputApproval };
}

/** require_approval: the request still pending for this operation, or a new one recorded now. */
async function held(
  approvals: ApprovalService,
  ctx: OperationContext,
  decision: Decision,
  inputApproval: InputApproval | undefined,
): Promise<GatedDecision> {
  const seen = inputApproval === undefined ? {} : { inputApproval };
  // A policy that holds without saying who may approve is refused by validateDecision before it gets here.
  if (decision.approval === undefined) return { decision, ...seen };
  const request =
    inputApproval?.status === 'pending'
      ? await approvals.get(inputApproval.id)
      : await approvals.request(ctx, { reasons: decision.reasons, approval: decision.approval });
  if (request === undefined) throw new ApprovalError('approval_not_found', `approval ${inputApproval!.id} vanished from the store`);
  const waiting = `approval ${request.id} is pending: an approver runs \`taskgate approve ${request.id}\``;
  return { decision: { ...decision, reasons: [...decision.reasons, waiting] }, approvalId: request.id, request, ...seen };
}
