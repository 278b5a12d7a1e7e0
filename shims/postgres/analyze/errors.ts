/** Where in the SQL text a problem is: 0-based character offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

/**
 * A statement taskgate cannot describe with certainty. The shim denies it: a statement that cannot be parsed or
 * classified is never passed through.
 */
export class AnalysisError extends Error {
  constructor(
    readonly reason: string,
    readonly position?: TextPosition,
  ) {
    super(position ? `line ${position.line}, column ${position.column}: ${reason}` : reason);
    this.name = 'AnalysisError';
  }
}

/** Converts a UTF-8 byte offset (what libpg-query reports) into a position in the JavaScript string. */
export function positionAt(text: string, byteOffset: number): TextPosition {
  const offset = Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { offset, line, column };
}
