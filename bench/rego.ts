// The Rego toolchain's speed: compile time of the shipped policies, and µs per evaluation through OPA's SDK.
// Baselines: a constant policy measured in this run (the SDK's own round trip, the floor any policy pays), and the
// figures issue #2 gives for OPA-built modules in the same SDK on this kind of machine.
import { compilePolicy } from '../rego/compile.js';
import { loadPaths } from '../rego/loader.js';
import { loadEngine } from '../rego/engine.js';
import { median, report, timeCalls } from './stats.js';

const OPA_ONE_RULE_US = 2.9; // OPA-built module, one rule: 2.5-3.3 µs
const OPA_DECISION_US = 28; // OPA-built grant-and-mask decision over a 2 KB input

async function engineFor(text: string, entrypoint: string) {
  const compiled = await compilePolicy([{ file: 'bench.rego', text }], [entrypoint]);
  return loadEngine(compiled.wasm);
}

/** A decision input as the Postgres shim sends it: about 2 KB of JSON. */
export function realisticInput(): unknown {
  const grants = [
    { resource: 'orders-db', actions: ['read'], objects: ['public.orders', 'public.order_items', 'public.users'] },
    { resource: 'orders-db', actions: ['write'], objects: ['public.order_notes'] },
    { resource: 'billing-api', actions: ['read'], objects: ['/invoices/*'] },
  ];
  const columns = ['id', 'email', 'ssn', 'name', 'created_at', 'status'].map((column) => ({
    table: 'public.users',
    column,
    use: 'select',
  }));
  return {
    identity: {
      subject: 'ci-backup',
      issuer: 'taskgate',
      groups: ['ops', 'backup'],
      claims: { runner: 'ci-runner-07', pipeline: 'orders/nightly-backup', job_id: '4711', ref: 'refs/heads/main' },
      method: 'task-token',
    },
    task: {
      id: 'tsk_01JDQ3Z9X8W7V6',
      name: 'nightly-orders-backup',
      purpose: 'back up the orders tables every night',
      grants,
      issued_at: '2026-11-29T09:00:00Z',
      expires_at: '2026-11-29T11:00:00Z',
    },
    resource: { name: 'orders-db', kind: 'postgres', labels: { env: 'prod', team: 'orders', region: 'eu-west-1', tier: 'primary' } },
    operation: {
      kind: 'postgres',
      action: 'read',
      postgres: {
        text: 'SELECT u.id, u.email, u.ssn, u.name, u.created_at, o.status FROM public.users u JOIN public.orders o ON o.user_id = u.id WHERE o.created_at > now() - interval \'1 day\'',
        fingerprint: 'a1b2c3d4e5f60718',
        statements: [
          {
            command: 'SELECT',
            reads: ['public.users', 'public.orders'],
            writes: [],
            columns: [...columns, { table: 'public.orders', column: 'created_at', use: 'where' }],
            functions: ['pg_catalog.now'],
            settings: [],
            has_where: true,
          },
        ],
      },
    },
    session: { id: 'ses_01JDQ4K2M3N4P5', shim: 'postgres', source_ip: '127.0.0.1', started_at: '2026-11-29T09:59:00Z' },
    now: '2026-11-29T10:00:00Z',
  };
}

export async function main(): Promise<void> {
  console.log('== rego: compile and evaluate (through @open-policy-agent/opa-wasm)');
  const loaded = await loadPaths(['policies']);
  const compileMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await compilePolicy(loaded.sources, ['taskgate/decision']);
    compileMs.push(performance.now() - t0);
  }
  compileMs.sort((a, b) => a - b);
  report('compile policies/ (median of 5, warm)', median(compileMs), 'ms', { name: 'target', value: 1000 });
  report('compile policies/ (first, cold)', compileMs[compileMs.length - 1], 'ms', { name: 'target', value: 1000 });

  const floor = await engineFor('package bench\nt := true', 'bench/t');
  const floorUs = median(timeCalls(() => floor.evaluate({ user: 'alice' }, 'bench/t'), 50_000));
  report('constant policy (SDK round trip floor)', floorUs, 'µs', { name: 'OPA one-rule', value: OPA_ONE_RULE_US });

  const oneRule = await engineFor('package bench\nallow if input.user == "alice"', 'bench/allow');
  const oneRuleUs = median(timeCalls(() => oneRule.evaluate({ user: 'alice' }, 'bench/allow'), 50_000));
  report('one-rule policy', oneRuleUs, 'µs', { name: 'OPA one-rule', value: OPA_ONE_RULE_US });

  const compiled = await compilePolicy(loaded.sources, ['taskgate/decision']);
  const decision = await loadEngine(compiled.wasm, loaded.data);
  const input = realisticInput();
  const inputBytes = JSON.stringify(input).length;
  const verdict = (decision.evaluate(input, 'taskgate/decision') as { verdict?: string } | undefined)?.verdict;
  if (verdict === undefined) throw new Error('bench: the shipped decision policy gave no verdict for the bench input');
  const decisionUs = median(timeCalls(() => decision.evaluate(input, 'taskgate/decision'), 20_000));
  report(`shipped decision, ${inputBytes} B input (${verdict})`, decisionUs, 'µs', {
    name: 'OPA grant-and-mask',
    value: OPA_DECISION_US,
  });
}
