// `make bench`: every benchmark in turn. Each prints its figures as ratios against a baseline of the same run.
// `node dist/bench/run.js [NAME ...] [--option ...]`: the named benches only; options go to each bench that takes them.
import { main as audit } from './audit.js';
import { main as decider } from './decider.js';
import { main as policies } from './policies.js';
import { main as pgbench } from './pgbench.js';
import { main as rego } from './rego.js';
import { main as sql } from './sql.js';

const benches: Array<[string, (options: string[]) => Promise<void>]> = [
  ['rego', rego],
  ['policies', policies],
  ['sql', sql],
  ['audit', audit],
  ['decider', () => decider()],
  ['pgbench', pgbench],
];
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const only = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run(options);
}
