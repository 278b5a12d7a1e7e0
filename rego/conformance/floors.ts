// Per-suite floors, read from the table in docs/conformance.md:
//
//   | suite with a floor | passing at least |
//   | --- | --- |
//   | `refheads` | 34 |
//
// The total pass rate alone lets a core suite regress while fixes elsewhere keep the rate up; a floor makes the
// run fail as soon as a suite that policies rely on passes fewer cases than it did when the floor was set.

import { docTableRows } from './doc-table.js';
import type { Summary } from './report.js';

export interface Floor {
  suite: string;
  minPassed: number;
}

export interface FloorBreach extends Floor {
  passed: number;
}

/** The rows of the table headed "suite with a floor"; throws on a floor that is not a whole number. */
export function parseFloors(markdown: string): Floor[] {
  return docTableRows(markdown, 'suite with a floor').map((row) => {
    if (!/^\d+$/.test(row.value)) throw new Error(`docs/conformance.md: floor of suite ${row.key} is not a whole number: ${row.value}`);
    return { suite: row.key, minPassed: Number(row.value) };
  });
}

/**
 * The floors the run broke. Only suites the run selected are held to their floor (`selected` empty means all);
 * a selected suite with no cases at all counts as passing none.
 */
export function breachedFloors(summary: Summary, floors: readonly Floor[], selected: readonly string[]): FloorBreach[] {
  return floors
    .filter((f) => selected.length === 0 || selected.includes(f.suite))
    .map((f) => ({ ...f, passed: summary.suites[f.suite]?.passed ?? 0 }))
    .filter((f) => f.passed < f.minPassed);
}

export function formatBreach(b: FloorBreach): string {
  return `suite ${b.suite}: ${b.passed} passed, below its floor of ${b.minPassed}`;
}
