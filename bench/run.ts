// `make bench`: every benchmark in turn. Each prints its figures as ratios against a baseline of the same run.
import { main as audit } from './audit.js';
import { main as decider } from './decider.js';
import { main as rego } from './rego.js';
import { main as sql } from './sql.js';

const benches: Array<[string, () => Promise<void>]> = [
  ['rego', rego],
  ['sql', sql],
  ['audit', audit],
  ['decider', () => decider()],
];
const only = process.argv.slice(2);
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
