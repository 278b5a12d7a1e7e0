// The policy's input document, exactly as docs/policy-contract.md defines it, written as JSON text.
//
// The policy module reads its input as JSON text anyway, so the decider writes that text directly: the parts a
// session fixes (identity, task, resource, session) are serialized once per session, and each decision adds only
// its operation (already text, ./validate.ts), the time and a matching approval.
import type { InputApproval } from '../approvals/types.js';
import type { Session } from './sessions.js';

const sessionParts = new WeakMap<Session, string>();

/** input as JSON text; `approval` only when one matches this very operation. */
export function policyInputJson(session: Session, operationJson: string, now: Date, approval?: InputApproval): string {
  let parts = sessionParts.get(session);
  if (parts === undefined) {
    parts = sessionPartsJson(session);
    sessionParts.set(session, parts);
  }
  const approvalPart = approval === undefined ? '' : `,"approval":${JSON.stringify(approval)}`;
  return `{${parts},"operation":${operationJson},"now":${JSON.stringify(now.toISOString())}${approvalPart}}`;
}

/** The members a session fixes, as the text between an object's braces. */
function sessionPartsJson(session: Session): string {
  const parts: Record<string, unknown> = {
    identity: session.identity,
    resource: session.resource,
    session: { id: session.id, shim: session.resource.kind, source_ip: session.sourceIp, started_at: session.startedAt },
  };
  if (session.task !== undefined) parts.task = session.task;
  return JSON.stringify(parts).slice(1, -1);
}
