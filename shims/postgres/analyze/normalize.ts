// Statement shapes: the constants of a simple-protocol query replaced by $1..$n, as a client of the extended
// protocol would have sent it. A shape is analysed and decided once, as a Parse is, whatever values it runs with.
//
// The scanner is deliberately narrow: it rewrites only plain numbers and plain '...' strings in positions where
// a placeholder means exactly the same to the parser, and declines (returns undefined) on anything else it meets
// (comments, dollar quotes, prefixed strings, existing placeholders, typed literals, ordinals of ORDER BY and
// GROUP BY, type modifiers, backslashes when strings are not standard-conforming, non-ASCII outside literals).
// A declined statement is analysed as the client wrote it, so declining costs speed, never safety.

export interface NormalizedQuery {
  /** The text with every rewritten constant replaced by $1..$n, in order. */
  readonly text: string;
  /** The constants as Postgres reads them (a string's '' unescaped), in placeholder order. */
  readonly parameters: readonly string[];
}

export interface NormalizeOptions {
  /** The session's standard_conforming_strings: when off, a backslash in a '...' string is an escape. */
  readonly standardConformingStrings: boolean;
}

/** Statements whose constants are values: the first keyword of a statement that may be rewritten. */
const VALUE_STATEMENTS: ReadonlySet<string> = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'VALUES']);

/** Keywords after which a constant is an ordinary expression operand, as a placeholder would be. */
const OPERAND_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'LIKE', 'ILIKE', 'BETWEEN', 'LIMIT', 'OFFSET',
  'RETURNING', 'HAVING',
]);

/** Keywords after which an integer names a select-list entry (ORDER BY 1, GROUP BY 1, DISTINCT ON (1)). */
const ORDINAL_KEYWORDS: ReadonlySet<string> = new Set(['BY', 'DISTINCT']);

/** Characters Postgres builds operators from. */
const OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?';

type Token =
  | { readonly kind: 'word'; readonly upper: string }
  /** `at`: where the operator starts in the output, to fold a unary minus into the number after it. */
  | { readonly kind: 'operator'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly char: string }
  | { readonly kind: 'constant' }
  | { readonly kind: 'identifier' };

/** Why the scanner gave up; never escapes this module. */
class Decline extends Error {}

export function normalizeConstants(sql: string, options: NormalizeOptions): NormalizedQuery | undefined {
  try {
    return new Scanner(sql, options).run();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

class Scanner {
  private position = 0;
  private out = '';
  private readonly parameters: string[] = [];
  /** Significant tokens of the current statement, last two only. */
  private previous: Token | undefined;
  private beforePrevious: Token | undefined;
  private statementKeyword: string | undefined;
  private statementTokens = 0;
  /** An ORDER BY, GROUP BY, PARTITION BY or DISTINCT was seen in this statement: integers may be ordinals. */
  private ordinalsPossible = false;
  /** A type name may follow (after :: or AS): a parenthesis right after its first words holds type modifiers. */
  private typeNamePending = false;
  /** Words read since the :: or AS (a type name has at most two: character varying). */
  private typeWords = 0;
  /** Per open parenthesis or bracket: whether it holds type modifiers or array bounds. */
  private readonly parentheses: boolean[] = [];

  constructor(
    private readonly sql: string,
    private readonly options: NormalizeOptions,
  ) {}

  run(): NormalizedQuery {
    const sql = this.sql;
    while (this.position < sql.length) {
      const c = sql[this.position]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.copy(1);
      else if (c === "'") this.string();
      else if (c === '"') this.quotedIdentifier();
      else if (isDigit(c) || (c === '.' && isDigit(sql[this.position + 1] ?? ''))) this.number();
      else if (isIdentifierStart(c)) this.word();
      else if (c === '-' && sql[this.position + 1] === '-') throw new Decline('comment');
      else if (c === '/' && sql[this.position + 1] === '*') throw new Decline('comment');
      else if (OPERATOR_CHARS.includes(c)) this.operator();
      else if ('(),;[]:.'.includes(c)) this.punctuation(c);
      else throw new Decline(`character ${JSON.stringify(c)}`);
    }
    return { text: this.out, parameters: this.parameters };
  }

  private copy(length: number): void {
    this.out += this.sql.slice(this.position, this.position + length);
    this.position += length;
  }

  private push(token: Token): void {
    this.beforePrevious = this.previous;
    this.previous = token;
    this.statementTokens++;
  }

  private word(): void {
    const sql = this.sql;
    let end = this.position + 1;
    while (end < sql.length && isIdentifierPart(sql[end]!)) end++;
    // `$` continues an identifier in Postgres (a$b) but also starts placeholders and dollar quotes.
    if (sql[end] === '$') throw new Decline('$ in an identifier');
    // A quote right after a word is a prefixed string: E'', B'', X'', N'', U&'' ...
    if (sql[end] === "'" || (sql[end] === '&' && (sql[end + 1] === "'" || sql[end + 1] === '"'))) throw new Decline('prefixed string');
    const upper = sql.slice(this.position, end).toUpperCase();
    if (this.statementTokens === 0) this.statementKeyword = upper;
    if (ORDINAL_KEYWORDS.has(upper)) this.ordinalsPossible = true;
    this.expectTypeName(upper);
    this.copy(end - this.position);
    this.push({ kind: 'word', upper });
  }

  /** AS (a cast's or a CTE's) may be followed by a type name; a CTE's AS [NOT] MATERIALIZED ( is not one. */
  private expectTypeName(upper: string): void {
    if (upper === 'AS') {
      this.typeNamePending = true;
      this.typeWords = 0;
    } else if (this.typeNamePending && this.typeWords < 2 && upper !== 'MATERIALIZED' && upper !== 'NOT') this.typeWords++;
    else this.typeNamePending = false;
  }

  private quotedIdentifier(): void {
    const sql = this.sql;
    let end = this.position + 1;
    for (;;) {
      const close = sql.indexOf('"', end);
      if (close === -1) throw new Decline('unterminated quoted identifier');
      if (sql[close + 1] === '"') end = close + 2;
      else {
        end = close + 1;
        break;
      }
    }
    if (sql[end] === "'") throw new Decline('string right after an identifier');
    this.expectTypeName('');
    this.copy(end - this.position);
    this.push({ kind: 'identifier' });
  }

  private operator(): void {
    const sql = this.sql;
    let end = this.position + 1;
    while (end < sql.length && OPERATOR_CHARS.includes(sql[end]!)) {
      // A comment may start inside what looks like an operator (a--b, a/*b): Postgres ends the operator there.
      if ((sql[end] === '-' && sql[end + 1] === '-') || (sql[end] === '/' && sql[end + 1] === '*')) throw new Decline('comment');
      end++;
    }
    const text = sql.slice(this.position, end);
    this.typeNamePending = false;
    this.push({ kind: 'operator', text, at: this.out.length });
    this.copy(end - this.position);
  }

  private punctuation(c: string): void {
    const sql = this.sql;
    if (c === ':' && sql[this.position + 1] === ':') {
      this.push({ kind: 'operator', text: '::', at: this.out.length });
      this.copy(2);
      this.typeNamePending = true;
      this.typeWords = 0;
      return;
    }
    // After a type name, ( holds type modifiers and [ array bounds: both integers only, never placeholders.
    if (c === '(' || c === '[') this.parentheses.push(this.typeNamePending && this.typeWords > 0);
    if (c === ')' || c === ']') this.parentheses.pop();
    this.typeNamePending = false;
    this.copy(1);
    if (c === ';') this.endStatement();
    else this.push({ kind: 'punct', char: c });
  }

  private endStatement(): void {
    this.previous = undefined;
    this.beforePrevious = undefined;
    this.statementKeyword = undefined;
    this.statementTokens = 0;
    this.ordinalsPossible = false;
    this.parentheses.length = 0;
  }

  private number(): void {
    const sql = this.sql;
    const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(this.position));
    const text = match![0];
    const next = sql[this.position + text.length] ?? '';
    // 1abc, 0x1F, 1.2.3, 1e: Postgres splits these oddly (or, in later versions, reads them differently).
    if (isIdentifierPart(next) || next === '.' || next === '$') throw new Decline('odd numeric');
    const sign = this.previous;
    const castFollows = sql.slice(this.position + text.length).trimStart().startsWith('::');
    if (sign?.kind === 'operator' && sign.text === '-' && isUnaryPosition(this.beforePrevious) && !castFollows) {
      // Postgres's grammar folds -1 into one negative constant, so the placeholder stands for all of it (but
      // -1::text is -(1::text): the cast binds first).
      if (this.out.length !== sign.at + 1) throw new Decline('space after a unary minus');
      this.out = this.out.slice(0, sign.at);
      this.previous = this.beforePrevious;
      this.beforePrevious = undefined;
      this.constant(`-${text}`, text.length);
      return;
    }
    this.constant(text, text.length);
  }

  private string(): void {
    const sql = this.sql;
    let value = '';
    let end = this.position + 1;
    for (;;) {
      const close = sql.indexOf("'", end);
      if (close === -1) throw new Decline('unterminated string');
      value += sql.slice(end, close);
      if (sql[close + 1] === "'") {
        value += "'";
        end = close + 2;
      } else {
        end = close + 1;
        break;
      }
    }
    if (!this.options.standardConformingStrings && value.includes('\\')) throw new Decline('backslash escapes');
    // 'a' 'b' on two lines is one constant; 'a'x and 'a'"x" lex in ways a placeholder would not.
    const rest = sql.slice(end);
    if (/^\s*'/.test(rest) || isIdentifierPart(rest[0] ?? '') || rest[0] === '"' || rest[0] === '$') throw new Decline('adjacent string');
    this.constant(value, end - this.position);
  }

  /** Replaces the constant of `length` source characters at the current position by the next placeholder. */
  private constant(value: string, length: number): void {
    // A placeholder takes a subscript or field ($1[1], $1.f) where a constant is a syntax error.
    const after = this.sql.slice(this.position + length).trimStart()[0];
    if (after === '[' || after === '.') throw new Decline('subscripted constant');
    if (this.statementKeyword === undefined || !VALUE_STATEMENTS.has(this.statementKeyword)) throw new Decline('constant outside a value statement');
    if (this.parentheses.at(-1) === true) throw new Decline('type modifier');
    if (!this.isOperandPosition()) throw new Decline('constant after a token that gives it a special meaning');
    this.parameters.push(value);
    this.out += `$${this.parameters.length}`;
    this.position += length;
    this.typeNamePending = false;
    this.push({ kind: 'constant' });
  }

  /** True where a placeholder is read exactly as the constant would be: an expression operand. */
  private isOperandPosition(): boolean {
    let before = this.previous;
    // A unary sign (+1, = -x) is an operator of its own; what counts is what precedes the sign.
    if (before?.kind === 'operator' && (before.text === '-' || before.text === '+') && isUnaryPosition(this.beforePrevious)) before = this.beforePrevious;
    if (before === undefined) return false;
    if (this.ordinalsPossible && isOrdinalPosition(before)) return false;
    switch (before.kind) {
      case 'operator':
        // Postgres splits a trailing + or - off an operator such as =- (x=-1 is x = -1): such text is not ours to cut.
        return before.text !== '::' && (before.text.length === 1 || !/[+-]$/.test(before.text));
      case 'punct':
        return before.char === '(' || before.char === ',' || before.char === '[' || before.char === ':';
      case 'word':
        return OPERAND_KEYWORDS.has(before.upper);
      default:
        return false;
    }
  }
}

/** Whether a + or - after `token` is a sign (unary) rather than an operator between two operands. */
function isUnaryPosition(token: Token | undefined): boolean {
  if (token === undefined) return true;
  switch (token.kind) {
    case 'operator':
      // - -1: Postgres negates the negative constant again; not a shape worth the subtlety.
      return token.text !== '-';
    case 'punct':
      return token.char !== ')' && token.char !== ']';
    case 'word':
      return OPERAND_KEYWORDS.has(token.upper) || ORDINAL_KEYWORDS.has(token.upper);
    default:
      return false;
  }
}

/** After these, in a statement with ORDER BY, GROUP BY or DISTINCT, an integer may name a select-list entry. */
function isOrdinalPosition(token: Token): boolean {
  if (token.kind === 'word') return ORDINAL_KEYWORDS.has(token.upper);
  return token.kind === 'punct' && (token.char === ',' || token.char === '(');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || isDigit(c);
}
