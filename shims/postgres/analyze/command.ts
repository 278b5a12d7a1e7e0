// The first keyword of a statement's text, for statements whose command is simply what they start with (DDL).

/** Skips whitespace, comments and opening parentheses, then returns the first word, upper case. */
export function firstKeyword(text: string): string {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s|\(/.test(c)) i++;
    else if (text.startsWith('--', i)) i = lineEnd(text, i);
    else if (text.startsWith('/*', i)) i = commentEnd(text, i);
    else break;
  }
  const word = /^[A-Za-z_]+/.exec(text.slice(i));
  return word ? word[0].toUpperCase() : '';
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end + 1;
}

/** Postgres block comments nest. */
function commentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}
