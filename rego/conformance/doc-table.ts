// docs/conformance.md holds the runner's settings as Markdown tables, so that what the run enforces is what the
// documentation says. A table is found by the first word of its header.

const ROW = /^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$/;

export interface TableRow {
  /** The first cell, written in backquotes. */
  key: string;
  /** The second cell, trimmed. */
  value: string;
}

/** The rows of the first table whose header starts with `header`; rows whose first cell is not code are skipped. */
export function docTableRows(markdown: string, header: string): TableRow[] {
  const rows: TableRow[] = [];
  const start = new RegExp(`^\\|\\s*${header}\\s*\\|`, 'i');
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!inTable) {
      inTable = start.test(line);
      continue;
    }
    if (!line.startsWith('|')) break;
    const m = ROW.exec(line);
    if (m) rows.push({ key: m[1], value: m[2] });
  }
  return rows;
}
