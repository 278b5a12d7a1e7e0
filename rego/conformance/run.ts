// The compliance runner:
//   node dist/rego/conformance/run.js [--suite NAME]... [--json FILE] [--min-pass-rate 0.95] [--timeout-ms N]
//                                     [--workers N] [--verbose] DIR
// DIR holds the suite (`DIR/v1/<suite>/*.yaml`). Exclusions and per-suite floors come from docs/conformance.md.
// Exits 1 when the pass rate is below --min-pass-rate or a suite the run selected passes fewer cases than its
// floor, 2 on bad usage.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases, type ConformanceCase } from './cases.js';
import { expectationOf, mismatch } from './compare.js';
import { findExclusion, parseExclusions } from './exclusions.js';
import { breachedFloors, formatBreach, parseFloors } from './floors.js';
import { CasePool } from './pool.js';
import { formatFailure, formatSummary, summarize, type CaseResult } from './report.js';

interface Options {
  dir: string;
  suites: string[];
  json?: string;
  minPassRate: number;
  timeoutMs: number;
  workers: number;
  verbose: boolean;
}

class UsageError extends Error {}

function numberOption(name: string, text: string | undefined, min: number, max: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} needs a number from ${min} to ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Options {
  const options: Options = { dir: '', suites: [], minPassRate: 0, timeoutMs: 20_000, workers: Math.min(2, availableParallelism()), verbose: false };
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--suite') options.suites.push(value());
    else if (arg === '--json') options.json = value();
    else if (arg === '--min-pass-rate') options.minPassRate = numberOption(arg, value(), 0, 1);
    else if (arg === '--timeout-ms') options.timeoutMs = numberOption(arg, value(), 1, 600_000);
    else if (arg === '--workers') options.workers = numberOption(arg, value(), 1, 64);
    else if (arg === '--verbose') options.verbose = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else dirs.push(arg);
  }
  if (dirs.length !== 1) throw new UsageError('give exactly one suite directory');
  options.dir = dirs[0];
  return options;
}

/** docs/conformance.md of this checkout: run.js lives in dist/rego/conformance/. */
function readConformanceDoc(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return readFileSync(resolve(here, '..', '..', '..', 'docs', 'conformance.md'), 'utf8');
}

async function runCase(pool: CasePool, c: ConformanceCase): Promise<CaseResult> {
  if (c.loadError !== undefined) return { suite: c.suite, note: c.note, status: 'errored', message: c.loadError };
  const expected = expectationOf(c);
  const run = await pool.run(c);
  const base = { suite: c.suite, note: c.note, ms: run.ms };
  if ('error' in run) return { ...base, status: 'errored', message: run.error };
  const why = mismatch(expected, run.outcome);
  if (why === undefined) return { ...base, status: 'passed' };
  return { ...base, status: 'failed', message: why, expected, actual: run.outcome };
}

async function main(options: Options): Promise<number> {
  const cases = loadCases(options.dir, options.suites);
  const doc = readConformanceDoc();
  const exclusions = parseExclusions(doc);
  const floors = parseFloors(doc);
  const pool = new CasePool({ workers: options.workers, timeoutMs: options.timeoutMs, workerUrl: new URL('./worker.js', import.meta.url) });
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const c = cases[index];
      const excluded = findExclusion(c, exclusions);
      results[index] = excluded
        ? { suite: c.suite, note: c.note, status: 'skipped', message: excluded.reason }
        : await runCase(pool, c);
      if (options.verbose && results[index].status !== 'passed' && results[index].status !== 'skipped') {
        console.log(formatFailure(results[index]));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.workers }, lane));
  } finally {
    await pool.close();
  }
  const summary = summarize(results);
  const breaches = breachedFloors(summary, floors, options.suites);
  console.log(formatSummary(summary));
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, JSON.stringify({ dir: options.dir, summary, floorBreaches: breaches, cases: results }, null, 2) + '\n');
  }
  for (const b of breaches) console.error(formatBreach(b));
  const rateTooLow = summary.total.passRate < options.minPassRate;
  if (rateTooLow) {
    console.error(`pass rate ${(summary.total.passRate * 100).toFixed(1)}% is below the required ${(options.minPassRate * 100).toFixed(1)}%`);
  }
  return rateTooLow || breaches.length > 0 ? 1 : 0;
}

function isEntryPoint(): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`conformance: ${(e as Error).message}`);
    process.exit(2);
  }
  main(options).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`conformance: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
