// The bench policies (bench/policies/*.rego) compile through the toolchain and give the answer their generated
// input was built for, so `make bench` never times a policy that silently stopped working.
import { describe, expect, it } from 'vitest';
import { benchPolicies, loadBenchPolicy } from '../bench/policies.js';

describe('bench policies', () => {
  for (const policy of benchPolicies()) {
    it(`${policy.name}: compiles and evaluates to the expected decision`, async () => {
      const engine = await loadBenchPolicy(policy);
      expect(() => policy.verify(engine.evaluate(policy.input, policy.entrypoint))).not.toThrow();
    });
  }

  it('1,000 grants: an object no grant reaches is reported uncovered and denied', async () => {
    const policy = benchPolicies().find((p) => p.name === '1,000 grants')!;
    const engine = await loadBenchPolicy(policy);
    const input = structuredClone(policy.input) as { operation: { objects: string[] } };
    input.operation.objects.push('tenant_996.invoices'); // grant-0996 is for billing-db, not orders-db
    expect(engine.evaluate(input, policy.entrypoint)).toMatchObject({
      allow: false,
      uncovered: [{ action: 'read', object: 'tenant_996.invoices' }],
    });
  });
});
