// Where and why a JSON text is malformed. JSON.parse says why but, in Node 20, often not where; a person fixing
// a data file needs the line and column. Run only after JSON.parse has failed, so speed does not matter.
class Fail {
    offset;
    reason;
    constructor(offset, reason) {
        this.offset = offset;
        this.reason = reason;
    }
}
/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text) {
    const v = new Validator(text);
    try {
        v.document();
        return undefined;
    }
    catch (e) {
        if (e instanceof Fail)
            return { offset: e.offset, reason: e.reason };
        if (e instanceof RangeError)
            return { offset: 0, reason: 'nesting too deep' };
        throw e;
    }
}
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
class Validator {
    text;
    pos = 0;
    constructor(text) {
        this.text = text;
    }
    document() {
        this.value();
        this.space();
        if (this.pos < this.text.length)
            this.fail('unexpected text after the JSON value');
    }
    fail(reason) {
        throw new Fail(this.pos, reason);
    }
    unexpected() {
        if (this.pos >= this.text.length)
            this.fail('unexpected end of input');
        this.fail(`unexpected ${JSON.stringify(this.text[this.pos])}`);
    }
    space() {
        while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]))
            this.pos++;
    }
    expect(ch) {
        this.space();
        if (this.text[this.pos] !== ch)
            this.unexpected();
        this.pos++;
    }
    value() {
        this.space();
        const ch = this.text[this.pos];
        if (ch === '{')
            return this.object();
        if (ch === '[')
            return this.array();
        if (ch === '"')
            return this.string();
        for (const word of ['true', 'false', 'null']) {
            if (this.text.startsWith(word, this.pos)) {
                this.pos += word.length;
                return;
            }
        }
        NUMBER.lastIndex = this.pos;
        const m = NUMBER.exec(this.text);
        if (m && m[0] !== '-') {
            this.pos += m[0].length;
            return;
        }
        this.unexpected();
    }
    object() {
        this.pos++;
        this.space();
        if (this.text[this.pos] === '}') {
            this.pos++;
            return;
        }
        for (;;) {
            this.space();
            if (this.text[this.pos] !== '"')
                this.fail(this.pos >= this.text.length ? 'unexpected end of input' : 'expected a string key');
            this.string();
            this.expect(':');
            this.value();
            this.space();
            if (this.text[this.pos] === ',') {
                this.pos++;
                continue;
            }
            this.expect('}');
            return;
        }
    }
    array() {
        this.pos++;
        this.space();
        if (this.text[this.pos] === ']') {
            this.pos++;
            return;
        }
        for (;;) {
            this.value();
            this.space();
            if (this.text[this.pos] === ',') {
                this.pos++;
                continue;
            }
            this.expect(']');
            return;
        }
    }
    string() {
        this.pos++;
        while (this.pos < this.text.length) {
            const ch = this.text[this.pos];
            if (ch === '"') {
                this.pos++;
                return;
            }
            if (ch < ' ')
                this.fail('control character in string');
            if (ch === '\\') {
                const esc = this.text[this.pos + 1];
                if (esc === 'u') {
                    if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
                        this.fail('bad \\u escape');
                    this.pos += 6;
                    continue;
                }
                if (esc === undefined || !ESCAPES.has(esc))
                    this.fail('bad escape in string');
                this.pos += 2;
                continue;
            }
            this.pos++;
        }
        this.fail('unterminated string');
    }
}
//# sourceMappingURL=json-error.js.map