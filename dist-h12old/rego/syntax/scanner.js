// The Rego scanner: source text to a flat array of tokens, each with its 1-based row and column. It scans the
// whole input eagerly, one pass, one character at a time (no regular expressions over the input), so the cost is
// linear in the text. Lexical problems do not throw: they become `illegal` tokens carrying a message, and the
// parser reports them where it meets them, so one bad string does not hide errors in earlier rules.
export const KEYWORDS = new Set([
    'as', 'contains', 'default', 'else', 'every', 'false', 'if', 'import', 'in', 'not', 'null', 'package', 'some',
    'true', 'with',
]);
// Two-character symbols are tried first, so that `:=` wins over `:` and `<=` over `<`.
const TWO_CHAR_PUNCTUATION = new Set([':=', '==', '!=', '<=', '>=']);
const ONE_CHAR_PUNCTUATION = new Set(['=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '(', ')',
    '[', ']', '{', '}', ',', ';', ':', '.']);
const SIMPLE_ESCAPES = {
    '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};
class Scanner {
    src;
    pos = 0;
    row = 1;
    col = 1;
    tokens = [];
    templates = [];
    constructor(src) {
        this.src = src;
    }
    scan() {
        for (;;) {
            const [spaceBefore, newlineBefore] = this.skipSpace();
            const offset = this.pos;
            const row = this.row;
            const col = this.col;
            const atEnd = this.pos >= this.src.length;
            const found = atEnd ? { kind: 'eof' } : this.scanToken();
            // Every token is built with the same fields in the same order: one object shape keeps this loop fast.
            this.tokens.push({
                kind: found.kind,
                text: this.src.slice(offset, this.pos),
                value: found.value ?? '',
                offset,
                row,
                col,
                spaceBefore,
                newlineBefore,
                closes: found.closes ?? false,
                continues: found.continues ?? false,
            });
            if (atEnd)
                return this.tokens;
        }
    }
    /** Consumes one character (a surrogate pair counts as one column). */
    bump() {
        const c = this.src.charCodeAt(this.pos);
        this.pos++;
        if (c === 10) {
            this.row++;
            this.col = 1;
        }
        else if (!(c >= 0xdc00 && c <= 0xdfff && this.pos >= 2 && isHighSurrogate(this.src.charCodeAt(this.pos - 2)))) {
            this.col++;
        }
    }
    peek(ahead = 0) {
        return this.src.charAt(this.pos + ahead);
    }
    skipSpace() {
        let space = false;
        let newline = false;
        while (this.pos < this.src.length) {
            const ch = this.peek();
            if (ch === '\n')
                newline = true;
            if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
                this.bump();
            }
            else if (ch === '#') {
                while (this.pos < this.src.length && this.peek() !== '\n')
                    this.bump();
            }
            else {
                break;
            }
            space = true;
        }
        return [space, newline];
    }
    scanToken() {
        const ch = this.peek();
        if (isIdentStart(ch))
            return this.scanIdent();
        if (isDigit(ch))
            return this.scanNumber();
        if (ch === '"')
            return this.scanQuoted();
        if (ch === '`')
            return this.scanRaw();
        if (ch === '$' && (this.peek(1) === '"' || this.peek(1) === '`')) {
            this.bump();
            const raw = this.peek() === '`';
            this.bump();
            return this.scanTemplatePiece(raw, false);
        }
        if (ch === '{' && this.templates.length > 0)
            this.templates[this.templates.length - 1].depth++;
        if (ch === '}' && this.templates.length > 0) {
            const frame = this.templates[this.templates.length - 1];
            if (frame.depth === 0) {
                this.templates.pop();
                this.bump();
                return this.scanTemplatePiece(frame.raw, true);
            }
            frame.depth--;
        }
        const two = this.src.slice(this.pos, this.pos + 2);
        if (TWO_CHAR_PUNCTUATION.has(two)) {
            this.bump();
            this.bump();
            return { kind: 'punct' };
        }
        this.bump();
        if (ONE_CHAR_PUNCTUATION.has(ch))
            return { kind: 'punct' };
        return { kind: 'illegal', value: `illegal character ${JSON.stringify(ch)}` };
    }
    scanIdent() {
        while (this.pos < this.src.length && (isIdentStart(this.peek()) || isDigit(this.peek())))
            this.bump();
        return { kind: 'ident' };
    }
    // Digits, an optional fraction, an optional exponent. The text is kept as written; the parser only checks it.
    scanNumber() {
        const start = this.pos;
        this.digits();
        if (this.peek() === '.' && isDigit(this.peek(1))) {
            this.bump();
            this.digits();
        }
        if (this.peek() === 'e' || this.peek() === 'E') {
            const sign = this.peek(1) === '+' || this.peek(1) === '-' ? 1 : 0;
            if (!isDigit(this.peek(1 + sign))) {
                this.bump();
                return { kind: 'illegal', value: 'invalid number: exponent without digits' };
            }
            this.bump();
            if (sign)
                this.bump();
            this.digits();
        }
        const text = this.src.slice(start, this.pos);
        if (text.length > 1 && text[0] === '0' && isDigit(text[1])) {
            return { kind: 'illegal', value: 'invalid number: leading zero' };
        }
        if (isIdentStart(this.peek())) {
            return { kind: 'illegal', value: `invalid number: unexpected ${JSON.stringify(this.peek())} after digits` };
        }
        return { kind: 'number' };
    }
    digits() {
        while (isDigit(this.peek()))
            this.bump();
    }
    scanQuoted() {
        this.bump();
        let value = '';
        for (;;) {
            if (this.pos >= this.src.length || this.peek() === '\n') {
                return { kind: 'illegal', value: 'non-terminated string' };
            }
            const ch = this.peek();
            if (ch === '"') {
                this.bump();
                return { kind: 'string', value };
            }
            if (ch === '\\') {
                const decoded = this.scanEscape(false);
                if (decoded.error !== undefined)
                    return { kind: 'illegal', value: decoded.error };
                value += decoded.text;
                continue;
            }
            if (ch < ' ') {
                this.bump();
                return { kind: 'illegal', value: 'illegal control character in string' };
            }
            value += ch;
            this.bump();
        }
    }
    scanRaw() {
        this.bump();
        const start = this.pos;
        while (this.pos < this.src.length && this.peek() !== '`')
            this.bump();
        if (this.pos >= this.src.length)
            return { kind: 'illegal', value: 'non-terminated raw string' };
        const value = this.src.slice(start, this.pos);
        this.bump();
        return { kind: 'string', value };
    }
    /**
     * One literal piece of a template string, from just after its opening delimiter (`$"`, `$\``, or the `}` that
     * ends an embedded expression) to the `{` that starts the next expression or the closing quote. `\{` is a
     * literal brace in both forms; the quoted form also takes the escapes of ordinary strings.
     */
    scanTemplatePiece(raw, continues) {
        const quote = raw ? '`' : '"';
        let value = '';
        for (;;) {
            if (this.pos >= this.src.length || (!raw && this.peek() === '\n')) {
                return { kind: 'illegal', value: 'non-terminated template string' };
            }
            const ch = this.peek();
            if (ch === quote) {
                this.bump();
                return { kind: 'template', value, closes: true, continues };
            }
            if (ch === '{') {
                this.bump();
                this.templates.push({ raw, depth: 0 });
                return { kind: 'template', value, closes: false, continues };
            }
            if (ch === '\\' && (this.peek(1) === '{' || !raw)) {
                const decoded = this.scanEscape(true);
                if (decoded.error !== undefined)
                    return { kind: 'illegal', value: decoded.error };
                value += decoded.text;
                continue;
            }
            if (!raw && ch < ' ') {
                this.bump();
                return { kind: 'illegal', value: 'illegal control character in template string' };
            }
            value += ch;
            this.bump();
        }
    }
    /** Decodes the escape at the cursor (a backslash and what follows), JSON's rules plus `\{` in templates. */
    scanEscape(inTemplate) {
        this.bump();
        const ch = this.peek();
        if (inTemplate && ch === '{') {
            this.bump();
            return { text: '{' };
        }
        const simple = SIMPLE_ESCAPES[ch];
        if (simple !== undefined) {
            this.bump();
            return { text: simple };
        }
        if (ch !== 'u')
            return { error: `invalid escape sequence \\${ch === '\n' ? 'n (newline)' : ch}` };
        this.bump();
        const unit = this.hex4();
        if (unit < 0)
            return { error: 'invalid \\u escape: expected four hex digits' };
        if (!isHighSurrogate(unit)) {
            return { text: unit >= 0xdc00 && unit <= 0xdfff ? '\ufffd' : String.fromCharCode(unit) };
        }
        // A high surrogate must pair with a following \uDC00-\uDFFF escape; alone it decodes to U+FFFD, as JSON does.
        if (this.peek() === '\\' && this.peek(1) === 'u') {
            const save = { pos: this.pos, row: this.row, col: this.col };
            this.bump();
            this.bump();
            const low = this.hex4();
            if (low >= 0xdc00 && low <= 0xdfff)
                return { text: String.fromCharCode(unit, low) };
            this.pos = save.pos;
            this.row = save.row;
            this.col = save.col;
        }
        return { text: '\ufffd' };
    }
    /** Reads four hex digits; -1 (nothing consumed past the valid ones) when they are not there. */
    hex4() {
        let n = 0;
        for (let i = 0; i < 4; i++) {
            if (!isHexDigit(this.peek()))
                return -1;
            n = n * 16 + parseInt(this.peek(), 16);
            this.bump();
        }
        return n;
    }
}
function isIdentStart(ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
}
function isDigit(ch) {
    return ch >= '0' && ch <= '9';
}
function isHexDigit(ch) {
    return isDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}
function isHighSurrogate(c) {
    return c >= 0xd800 && c <= 0xdbff;
}
/** Scans the whole text. The last token is always `eof`, located just past the end of the text. */
export function scan(text) {
    return new Scanner(text).scan();
}
//# sourceMappingURL=scanner.js.map