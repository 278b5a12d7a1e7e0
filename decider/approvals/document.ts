// A request as approvers, the CLI and the gRPC API show it (ApprovalReply.approval_json, `approvals ls --json`).
// Session ids are left out: presenting the asking session's id is what lets a watcher withdraw a request.
import type { JsonValue } from '../store/index.js';
import type { Approval } from './types.js';

export function approvalDocument(approval: Approval): JsonValue {
  const { state } = approval;
  return {
    id: approval.id,
    status: state.status,
    requester: { subject: approval.requester.subject, issuer: approval.requester.issuer, groups: [...approval.requester.groups] },
    ...(approval.taskId ? { task: { id: approval.taskId, name: approval.taskName ?? '' } } : {}),
    resource: approval.resource,
    operation: approval.operation,
    ...(approval.parameters === undefined ? {} : { parameters: [...approval.parameters] }),
    reasons: [...approval.reasons],
    approvers: [...approval.approvers],
    min: approval.min,
    scope: approval.scope,
    ttl_seconds: approval.ttlSeconds,
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    approved_by: [...state.approvedBy],
    ...(state.deniedBy === undefined ? {} : { denied_by: state.deniedBy }),
    ...(state.usableUntil === undefined ? {} : { usable_until: state.usableUntil }),
    events: approval.events.map((e) => ({ action: e.action, actor: e.actor, ...(e.reason === undefined ? {} : { reason: e.reason }), at: e.at })),
  };
}
