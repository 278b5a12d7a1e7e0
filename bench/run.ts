// `make bench`: every benchmark in turn. Each prints its figures as ratios against a baseline of the same run.
import { main as rego } from './rego.js';

const benches: Array<[string, () => Promise<void>]> = [['rego', rego]];
const only = process.argv.slice(2);
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
