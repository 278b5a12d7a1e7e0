// The decider's Prometheus metrics, kept as plain counters and rendered in the text exposition format on demand.
import type { Verdict } from '../engine/decision.js';

/** Decision latency buckets, in seconds: the interesting range is 100 µs to a few ms. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class DeciderMetrics {
  private readonly decisions = new Map<Verdict, number>([['allow', 0], ['deny', 0], ['mask', 0], ['require_approval', 0]]);
  private readonly latencyCounts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  private latencySum = 0;
  private readonly requestErrors = new Map<string, number>();
  private readonly reloads = new Map<string, number>([['loaded', 0], ['unchanged', 0], ['failed', 0]]);
  auditWriteFailures = 0;
  policyRevision = '';
  policyLoadedAtMs = 0;
  openSessions: () => number = () => 0;

  decided(verdict: Verdict, seconds: number): void {
    this.decisions.set(verdict, (this.decisions.get(verdict) ?? 0) + 1);
    const bucket = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
    this.latencyCounts[bucket === -1 ? LATENCY_BUCKETS.length : bucket]++;
    this.latencySum += seconds;
  }

  requestError(code: string): void {
    this.requestErrors.set(code, (this.requestErrors.get(code) ?? 0) + 1);
  }

  reloaded(status: 'loaded' | 'unchanged' | 'failed'): void {
    this.reloads.set(status, (this.reloads.get(status) ?? 0) + 1);
  }

  decisionCount(verdict: Verdict): number {
    return this.decisions.get(verdict) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family('taskgate_decisions_total', 'counter', 'Decisions answered, by verdict.');
    for (const [verdict, n] of this.decisions) out.push(`taskgate_decisions_total{verdict="${verdict}"} ${n}`);

    family('taskgate_decision_duration_seconds', 'histogram', 'Time from request to answer, audit commit included.');
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((le, i) => {
      cumulative += this.latencyCounts[i];
      out.push(`taskgate_decision_duration_seconds_bucket{le="${le}"} ${cumulative}`);
    });
    cumulative += this.latencyCounts[LATENCY_BUCKETS.length];
    out.push(`taskgate_decision_duration_seconds_bucket{le="+Inf"} ${cumulative}`);
    out.push(`taskgate_decision_duration_seconds_sum ${this.latencySum}`);
    out.push(`taskgate_decision_duration_seconds_count ${cumulative}`);

    family('taskgate_request_errors_total', 'counter', 'Requests that could not be decided (answered as errors), by code.');
    for (const [code, n] of this.requestErrors) out.push(`taskgate_request_errors_total{code="${code}"} ${n}`);

    family('taskgate_policy_info', 'gauge', 'The active policy revision (1), empty when no policy is loaded.');
    out.push(`taskgate_policy_info{revision="${escapeLabel(this.policyRevision)}"} 1`);
    family('taskgate_policy_loaded_timestamp_seconds', 'gauge', 'When the active policy was loaded.');
    out.push(`taskgate_policy_loaded_timestamp_seconds ${this.policyLoadedAtMs / 1000}`);

    family('taskgate_policy_reloads_total', 'counter', 'Policy loads and reloads, by outcome.');
    for (const [status, n] of this.reloads) out.push(`taskgate_policy_reloads_total{status="${status}"} ${n}`);

    family('taskgate_audit_write_failures_total', 'counter', 'Decisions denied because their audit record could not be committed.');
    out.push(`taskgate_audit_write_failures_total ${this.auditWriteFailures}`);

    family('taskgate_sessions_open', 'gauge', 'Sessions currently open.');
    out.push(`taskgate_sessions_open ${this.openSessions()}`);
    return out.join('\n') + '\n';
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
