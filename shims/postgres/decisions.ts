// Asking the decider about a session's statements. Every failure (decider down, an error answer, an unknown
// verdict) becomes a deny that says why: no statement runs without an allow.
import type { DeciderClient, DecisionStream } from '../../decider/server/client.js';
import { statementAction } from './analyze/action.js';
import type { PostgresOperation, StatementDescription } from './analyze/operation.js';

export type Verdict = 'allow' | 'deny' | 'mask' | 'require_approval';

export interface MaskRule {
  readonly table: string;
  readonly column: string;
  readonly method: string;
}

export interface Decision {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly masks: readonly MaskRule[];
}

const SEVERITY: Record<Verdict, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };
const DECIDE_TIMEOUT_MS = 5_000;

export function denied(reason: string): Decision {
  return { verdict: 'deny', reasons: [reason], masks: [] };
}

/** The worst verdict wins; reasons and masks of every part are kept, the worst verdict's reasons first. */
export function worstOf(decisions: readonly Decision[]): Decision {
  const ordered = [...decisions].sort((a, b) => SEVERITY[b.verdict] - SEVERITY[a.verdict]);
  const worst = ordered[0] ?? denied('no statement was decided');
  const reasons = worst.verdict === 'allow' ? ordered.flatMap((d) => d.reasons) : ordered.filter((d) => d.verdict === worst.verdict).flatMap((d) => d.reasons);
  return { verdict: worst.verdict, reasons: [...new Set(reasons)], masks: ordered.flatMap((d) => d.masks) };
}

/**
 * One DecideStream per session, opened again after it broke (a decider restart), so a session outlives an outage
 * of the decider: its statements are denied while the decider is down and decided again once it is back.
 */
export class DecisionChannel {
  private stream: DecisionStream | undefined;

  constructor(
    private readonly client: DeciderClient,
    readonly sessionId: string,
  ) {}

  /** Decides each statement of the operation on its own (so each has its audit record); the worst verdict wins. */
  async decide(operation: PostgresOperation): Promise<Decision> {
    const stream = (this.stream ??= this.client.stream());
    const parts = await Promise.all(operation.statements.map((statement) => this.decideStatement(stream, operation, statement)));
    return worstOf(parts);
  }

  end(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  private async decideStatement(stream: DecisionStream, operation: PostgresOperation, statement: StatementDescription): Promise<Decision> {
    const sessionId = this.sessionId;
    const document = {
      kind: 'postgres',
      action: statementAction(statement),
      postgres: { text: operation.text, fingerprint: operation.fingerprint, statements: [statement] },
    };
    try {
      const answer = await withTimeout(stream.decide({ session_id: sessionId, operation_json: JSON.stringify(document), approval_id: '' }));
      if (answer.error_code !== '') return denied(`the decider could not decide: ${answer.error_message || answer.error_code}`);
      return toDecision(answer.verdict, answer.reasons, answer.masks_json);
    } catch (e) {
      if (this.stream === stream) {
        this.stream = undefined;
        stream.end();
      }
      return denied(`the decider is unavailable, so nothing runs: ${(e as Error).message}`);
    }
  }
}

function toDecision(verdict: string, reasons: readonly string[], masksJson: string): Decision {
  if (!Object.hasOwn(SEVERITY, verdict)) return denied(`the decider answered an unknown verdict ${JSON.stringify(verdict)}`);
  let masks: MaskRule[] = [];
  if (masksJson !== '') {
    try {
      masks = parseMasks(JSON.parse(masksJson));
    } catch (e) {
      return denied(`the decision's mask list is unreadable: ${(e as Error).message}`);
    }
  }
  if (verdict === 'deny' && reasons.length === 0) return denied('the policy denied this statement without a reason');
  return { verdict: verdict as Verdict, reasons, masks };
}

function parseMasks(value: unknown): MaskRule[] {
  if (!Array.isArray(value)) throw new Error('not a list');
  return value.map((entry: unknown) => {
    const { table, column, method } = (entry ?? {}) as Record<string, unknown>;
    if (typeof table !== 'string' || typeof column !== 'string' || typeof method !== 'string') throw new Error(`bad entry ${JSON.stringify(entry)}`);
    return { table, column, method };
  });
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${DECIDE_TIMEOUT_MS} ms`)), DECIDE_TIMEOUT_MS);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e as Error)),
    );
  });
}
