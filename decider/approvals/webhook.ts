// Optional notification of approvals: each new request and each outcome is POSTed as JSON to a configured URL,
// signed so the receiver can tell it came from taskgate and is fresh. Delivery happens in the background with
// retries; a slow or dead receiver never delays a decision.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApprovalNotifier } from './approvals.js';
import type { Approval } from './types.js';

export const SIGNATURE_HEADER = 'x-taskgate-signature';
export const TIMESTAMP_HEADER = 'x-taskgate-timestamp';
export const DELIVERY_HEADER = 'x-taskgate-delivery';

export interface WebhookOptions {
  readonly url: string;
  /** The shared secret both sides hold. */
  readonly secret: string;
  /** Tries per notification, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the first retry; each later retry waits twice as long. Default 500 ms. */
  readonly initialBackoffMs?: number;
  /** How long one attempt may take. Default 5000 ms. */
  readonly timeoutMs?: number;
  readonly clock?: () => Date;
  readonly log?: (line: string) => void;
}

export type WebhookEventType = 'approval.requested' | 'approval.decided';

/** The JSON body of every delivery (docs/approvals.md). */
export interface WebhookBody {
  readonly type: WebhookEventType;
  readonly delivery: string;
  readonly sent_at: string;
  readonly approval: {
    readonly id: string;
    readonly status: string;
    readonly requester: string;
    readonly task?: string;
    readonly resource: string;
    readonly operation_kind: string;
    readonly operation_action?: string;
    readonly reasons: readonly string[];
    readonly approvers: readonly string[];
    readonly min: number;
    readonly scope: string;
    readonly expires_at: string;
    readonly approved_by: readonly string[];
    readonly denied_by?: string;
  };
}

/** `sha256=` and the hex HMAC-SHA256 of `TIMESTAMP.BODY` under the secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers: true when the signature matches and the timestamp (unix seconds) is within `toleranceSeconds`
 * of now, which stops a captured delivery from being replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { readonly timestamp: string | undefined; readonly signature: string | undefined },
  body: string,
  options: { readonly toleranceSeconds?: number; readonly now?: Date } = {},
): boolean {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return false;
  const age = Math.abs((options.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class ApprovalWebhook implements ApprovalNotifier {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookOptions) {}

  notify(event: 'requested' | 'decided', approval: Approval): void {
    const delivery = this.deliver(bodyOf(event, approval, this.now()));
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Resolves when every delivery started so far has succeeded or given up (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(body: WebhookBody): Promise<void> {
    const text = JSON.stringify(body);
    const attempts = this.options.maxAttempts ?? 5;
    let backoff = this.options.initialBackoffMs ?? 500;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const problem = await this.attempt(body.delivery, text);
      if (problem === undefined) return;
      if (attempt === attempts) {
        this.log(`approval webhook: giving up on ${body.type} ${body.approval.id} after ${attempts} attempts: ${problem}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff *= 2;
    }
  }

  /** One POST; undefined when the receiver accepted it, else what went wrong. */
  private async attempt(delivery: string, text: string): Promise<string | undefined> {
    // Signed at each attempt so a retry carries a fresh timestamp and passes the receiver's replay window.
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, timestamp, text),
          [DELIVERY_HEADER]: delivery,
        },
        body: text,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`taskgate: ${l}\n`)))(line);
  }
}

function bodyOf(event: 'requested' | 'decided', approval: Approval, now: Date): WebhookBody {
  return {
    type: event === 'requested' ? 'approval.requested' : 'approval.decided',
    delivery: randomUUID(),
    sent_at: now.toISOString(),
    approval: {
      id: approval.id,
      status: approval.state.status,
      requester: approval.requester.subject,
      ...(approval.taskName ? { task: approval.taskName } : {}),
      resource: approval.resource,
      operation_kind: approval.operationKind,
      ...(approval.operationAction ? { operation_action: approval.operationAction } : {}),
      reasons: approval.reasons,
      approvers: approval.approvers,
      min: approval.min,
      scope: approval.scope,
      expires_at: approval.expiresAt,
      approved_by: approval.state.approvedBy,
      ...(approval.state.deniedBy ? { denied_by: approval.state.deniedBy } : {}),
    },
  };
}
