/**
 * Just-in-time approvals, protocol-neutral. How the decider puts it together at start:
 *
 *   const settings = validateApprovalsConfig(rawYaml.approvals, { baseDir: dirname(configFile) });
 *   const approverPolicy = activeApproverPolicy(policyEngine);   // follows every reload of the decision policy
 *   const webhook = settings.webhook && new ApprovalWebhook({ ...settings.webhook, log });
 *   const approvals = new ApprovalService({ store, approverPolicy, notifier: webhook });
 *
 *   setInterval(() => void approvals.expireDue().catch(log), 5000).unref();
 *
 * Per operation: `decideWithApprovals(approvals, ctx, evaluate)` (gate.ts). For a held operation:
 * `approvals.waitFor(id, signal)`, and `approvals.withdraw(id)` when the client goes away. See docs/approvals.md.
 */
export { ApprovalService, requestDocument, type ApprovalAsker, type ApprovalNotifier, type ApprovalServiceOptions, type ApprovalUse } from './approvals.js';
export {
  activeApproverPolicy,
  APPROVE_ENTRYPOINT,
  type ApproveInput,
  type ApproverPolicy,
  type ApproverVerdict,
} from './approver-policy.js';
export { ApprovalsConfigError, validateApprovalsConfig, type ApprovalsSettings } from './config.js';
export { operationFingerprint } from './fingerprint.js';
export { approvalDocument } from './document.js';
export { decideWithApprovals, type GatedDecision } from './gate.js';
export { approvalState } from './state.js';
export * from './types.js';
export {
  ApprovalWebhook,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  type WebhookBody,
  type WebhookOptions,
} from './webhook.js';
