// The session's search_path as Postgres reports it (`"$user", public`), split into schema names, so the analysis
// resolves unqualified names to the same tables Postgres will.

/** Splits on commas outside double quotes; quoted names keep their case and lose their quotes. */
export function parseSearchPath(text: string): string[] {
  const schemas: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      push();
    } else if (!/\s/.test(ch)) current += ch.toLowerCase();
  }
  if (quoted) throw new Error(`unterminated quote in search_path ${JSON.stringify(text)}`);
  push();
  return schemas;

  function push(): void {
    if (current !== '' || wasQuoted) schemas.push(current);
    current = '';
    wasQuoted = false;
  }
}
