// A request's state is the fold of its events at an instant: pure, so every decider (and the CLI) reading the
// same committed history reaches the same answer.
import type { ApprovalRecord } from '../store/index.js';
import type { ApprovalState } from './types.js';

export function approvalState(record: ApprovalRecord, now: Date): ApprovalState {
  const approvedBy: string[] = [];
  let approvedAt: string | undefined;
  for (const event of record.events) {
    switch (event.action) {
      case 'denied':
        return { status: 'denied', approvedBy, deniedBy: event.actor };
      case 'expired':
      case 'withdrawn':
        return { status: event.action, approvedBy, ...approvalTimes(record, approvedAt) };
      case 'used':
        if (record.scope === 'once') return { status: 'used', approvedBy, ...approvalTimes(record, approvedAt) };
        break;
      case 'approved':
        // The requester never counts, even if a bug or a hand-edited file let their vote in.
        if (event.actor === record.requester.subject || approvedBy.includes(event.actor)) break;
        approvedBy.push(event.actor);
        if (approvedBy.length === record.min) approvedAt = event.at;
        break;
    }
  }
  const times = approvalTimes(record, approvedAt);
  if (approvedAt === undefined) {
    const status = now.getTime() >= Date.parse(record.expiresAt) ? 'expired' : 'pending';
    return { status, approvedBy };
  }
  const status = now.getTime() >= Date.parse(times.usableUntil!) ? 'expired' : 'approved';
  return { status, approvedBy, ...times };
}

function approvalTimes(record: ApprovalRecord, approvedAt: string | undefined): Pick<ApprovalState, 'approvedAt' | 'usableUntil'> {
  if (approvedAt === undefined) return {};
  return { approvedAt, usableUntil: new Date(Date.parse(approvedAt) + record.ttlSeconds * 1000).toISOString() };
}
