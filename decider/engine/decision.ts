// The decision document as docs/policy-contract.md defines it, and the check that turns anything else into a deny.
// The policy is code a team writes; nothing it returns is trusted to be well formed, so every deviation from the
// contract becomes a deny whose reason names the deviation.

export type Verdict = 'allow' | 'deny' | 'mask' | 'require_approval';

export const MASK_METHODS: ReadonlySet<string> = new Set(['redact', 'null', 'partial', 'hash', 'email']);
const VERDICTS: ReadonlySet<string> = new Set(['allow', 'deny', 'mask', 'require_approval']);
const APPROVAL_SCOPES: ReadonlySet<string> = new Set(['once', 'window']);

export type MaskEntry =
  | { readonly table: string; readonly column: string; readonly method: string }
  | { readonly path: string; readonly method: string };

export interface ApprovalRequest {
  readonly approvers: readonly string[];
  readonly min: number;
  readonly ttl_seconds: number;
  readonly scope: 'once' | 'window';
}

export interface Decision {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly mask: readonly MaskEntry[];
  readonly approval?: ApprovalRequest;
}

/** A deny that taskgate itself decided (no policy verdict, a malformed one, a failure): the reason says why. */
export function denyBecause(reason: string): Decision {
  return { verdict: 'deny', reasons: [reason], mask: [] };
}

const CONTRACT = 'see docs/policy-contract.md';

/** The policy's value for data.taskgate.decision (undefined when the rule is undefined), as a safe Decision. */
export function validateDecision(value: unknown): Decision {
  if (value === undefined) return denyBecause('the policy has no decision for this operation (data.taskgate.decision is undefined), so it is denied');
  if (!isPlainObject(value)) return malformed(`data.taskgate.decision is ${describe(value)}, not an object`);
  const { verdict, reasons, mask, approval } = value;
  if (typeof verdict !== 'string' || !VERDICTS.has(verdict)) {
    return malformed(`its verdict is ${describe(verdict)}, not one of allow, deny, mask, require_approval`);
  }
  if (!isStringArray(reasons)) return malformed(`its reasons are ${describe(reasons)}, not a list of strings`);
  const masks = mask === undefined ? [] : mask;
  if (!Array.isArray(masks)) return malformed(`its mask is ${describe(mask)}, not a list`);
  const maskProblem = masks.map(maskEntryProblem).find((p) => p !== undefined);
  if (maskProblem !== undefined) return malformed(maskProblem);

  if (verdict === 'deny') {
    return { verdict, reasons: reasons.length > 0 ? reasons : ['the policy denied this operation without giving a reason'], mask: [] };
  }
  if (verdict === 'mask' && masks.length === 0) return malformed('its verdict is mask but its mask list is empty');
  if (verdict === 'require_approval') {
    const problem = approvalProblem(approval);
    if (problem !== undefined) return malformed(`its verdict is require_approval but ${problem}`);
    return { verdict, reasons, mask: masks as MaskEntry[], approval: approval as unknown as ApprovalRequest };
  }
  return { verdict: verdict as Verdict, reasons, mask: masks as MaskEntry[] };
}

function malformed(problem: string): Decision {
  return denyBecause(`the policy's decision does not follow the policy contract (${problem}; ${CONTRACT}), so it is denied`);
}

function maskEntryProblem(entry: unknown, index: number): string | undefined {
  const where = `mask entry ${index}`;
  if (!isPlainObject(entry)) return `${where} is ${describe(entry)}, not an object`;
  if (typeof entry.method !== 'string' || !MASK_METHODS.has(entry.method)) {
    return `${where} has method ${describe(entry.method)}, not one of ${[...MASK_METHODS].join(', ')}`;
  }
  const isColumn = typeof entry.table === 'string' && typeof entry.column === 'string' && entry.table !== '' && entry.column !== '';
  const isPath = typeof entry.path === 'string' && entry.path.startsWith('$');
  if (isColumn === isPath) return `${where} must name either a table and a column or a JSON path starting with $`;
  return undefined;
}

function approvalProblem(approval: unknown): string | undefined {
  if (!isPlainObject(approval)) return `its approval is ${describe(approval)}, not an object`;
  const { approvers, min, ttl_seconds: ttl, scope } = approval;
  if (!isStringArray(approvers) || approvers.length === 0) return 'approval.approvers is not a non-empty list of strings';
  if (!isPositiveInteger(min)) return `approval.min is ${describe(min)}, not a positive integer`;
  if (min > approvers.length && !approvers.some((a) => a.startsWith('group:'))) {
    return `approval.min is ${min} but only ${approvers.length} approvers are named`;
  }
  if (!isPositiveInteger(ttl)) return `approval.ttl_seconds is ${describe(ttl)}, not a positive integer`;
  if (typeof scope !== 'string' || !APPROVAL_SCOPES.has(scope)) return `approval.scope is ${describe(scope)}, not once or window`;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
