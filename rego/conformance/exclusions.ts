// Cases the runner does not run, with the reason, read from the table in docs/conformance.md:
//
//   | excluded | reason |
//   | --- | --- |
//   | `graphql` | graphql.* builtins are not in taskgate's catalog |
//
// An entry names a suite (directory), a case note, or a note prefix followed by `*`.

import type { ConformanceCase } from './cases.js';
import { docTableRows } from './doc-table.js';

export interface Exclusion {
  pattern: string;
  reason: string;
}

/** The rows of the first table whose header starts with "excluded". */
export function parseExclusions(markdown: string): Exclusion[] {
  return docTableRows(markdown, 'excluded').map((row) => ({ pattern: row.key, reason: row.value }));
}

export function findExclusion(c: ConformanceCase, exclusions: readonly Exclusion[]): Exclusion | undefined {
  return exclusions.find(
    (e) => e.pattern === c.suite || e.pattern === c.note || (e.pattern.endsWith('*') && c.note.startsWith(e.pattern.slice(0, -1))),
  );
}
