// A position in the token array with the helpers every parsing method needs: looking at the current token,
// stepping over it, and failing with a located `rego_parse_error`. Parsing aborts the current statement by
// throwing `ParseAbort`; the module parser catches it, records the error, and resumes at the next statement.
import { RegoError } from '../errors.js';
import { KEYWORDS } from './scanner.js';
/**
 * Thrown to abandon the statement being parsed. Not an Error: the parser throws and catches it routinely when it
 * tries one reading of an ambiguous construct, and capturing a stack trace each time would dominate the cost.
 */
export class ParseAbort {
    message;
    loc;
    at;
    constructor(message, loc, 
    /** Index of the token the error is about, where recovery starts looking for the next statement. */
    at) {
        this.message = message;
        this.loc = loc;
        this.at = at;
    }
    toRegoError() {
        return new RegoError('rego_parse_error', this.message, this.loc);
    }
}
/** Deeper nesting than this is refused rather than risking the JavaScript stack. */
const MAX_NESTING = 200;
export class Cursor {
    tokens;
    file;
    i = 0;
    depth = 0;
    constructor(tokens, file) {
        this.tokens = tokens;
        this.file = file;
    }
    get tok() {
        return this.tokens[this.i];
    }
    peekAt(ahead) {
        return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
    }
    atEof() {
        return this.tokens[this.i].kind === 'eof';
    }
    advance() {
        const t = this.tokens[this.i];
        if (t.kind !== 'eof')
            this.i++;
        return t;
    }
    isPunct(symbol, t = this.tok) {
        return t.kind === 'punct' && t.text === symbol;
    }
    isWord(word, t = this.tok) {
        return t.kind === 'ident' && t.text === word;
    }
    /** `if.foo`, `not[x]`: a keyword directly followed by `.` or `[` names a rule or package, not the keyword. */
    isKeywordUsedAsName() {
        const t = this.tok;
        const next = this.peekAt(1);
        return t.kind === 'ident' && KEYWORDS.has(t.text) && next.kind === 'punct' && !next.spaceBefore &&
            (next.text === '.' || next.text === '[');
    }
    /** The current token is this keyword, used as a keyword (not as the head of a ref like `else.x`). */
    atKeyword(word) {
        return this.isWord(word) && !this.isKeywordUsedAsName();
    }
    loc(t = this.tok) {
        return { file: this.file, row: t.row, col: t.col };
    }
    expectPunct(symbol, context) {
        if (!this.isPunct(symbol))
            this.unexpected(`expected "${symbol}" ${context}`);
        return this.advance();
    }
    expectWord(word, context) {
        if (!this.isWord(word))
            this.unexpected(`expected ${word} keyword ${context}`);
        return this.advance();
    }
    fail(message, t = this.tok) {
        throw new ParseAbort(message, this.loc(t), this.indexOf(t));
    }
    /** Tokens are in offset order, so a binary search finds one without scanning the input. */
    indexOf(t) {
        let lo = 0;
        let hi = this.tokens.length - 1;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (this.tokens[mid].offset < t.offset)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
    /** "unexpected X: expected Y", or the scanner's own message when the token is not a token at all. */
    unexpected(expectation, t = this.tok) {
        if (t.kind === 'illegal')
            this.fail(t.value, t);
        this.fail(`unexpected ${describe(t)}${expectation ? `: ${expectation}` : ''}`, t);
    }
    /** Runs a nested parse, refusing nesting deep enough to exhaust the stack. */
    nested(parse) {
        if (this.depth >= MAX_NESTING)
            this.fail(`nesting deeper than ${MAX_NESTING} levels`);
        this.depth++;
        try {
            return parse();
        }
        finally {
            this.depth--;
        }
    }
    /** Tries a parse; on failure puts the cursor back and returns undefined. For the few places Rego is ambiguous. */
    attempt(parse) {
        const mark = this.i;
        try {
            return parse();
        }
        catch (e) {
            if (!(e instanceof ParseAbort))
                throw e;
            this.i = mark;
            return undefined;
        }
    }
}
function describe(t) {
    switch (t.kind) {
        case 'eof':
            return 'end of file';
        case 'ident':
            return KEYWORDS.has(t.text) ? `${t.text} keyword` : `name ${t.text}`;
        case 'punct':
            return `"${t.text}"`;
        case 'template':
            return 'template string';
        default:
            return `${t.kind} ${t.text.length > 20 ? `${t.text.slice(0, 20)}...` : t.text}`;
    }
}
//# sourceMappingURL=cursor.js.map