import { Cursor } from './cursor.js';
import { KEYWORDS } from './scanner.js';
const BINARY_OPERATORS = {
    '==': { level: 1, fn: 'equal' }, '!=': { level: 1, fn: 'neq' }, '<': { level: 1, fn: 'lt' },
    '<=': { level: 1, fn: 'lte' }, '>': { level: 1, fn: 'gt' }, '>=': { level: 1, fn: 'gte' },
    '|': { level: 2, fn: 'or' },
    '&': { level: 3, fn: 'and' },
    '+': { level: 4, fn: 'plus' }, '-': { level: 4, fn: 'minus' },
    '*': { level: 5, fn: 'mul' }, '/': { level: 5, fn: 'div' }, '%': { level: 5, fn: 'rem' },
};
const REF_HEADS = new Set(['var', 'array', 'object', 'set', 'arraycompr', 'setcompr',
    'objectcompr', 'call']);
/** OPA refuses binary exponents beyond 1e5, which is about 10^30103. */
const MAX_DECIMAL_EXPONENT = 30_000;
const MEMBER_2 = ['internal', 'member_2'];
const MEMBER_3 = ['internal', 'member_3'];
export class ExprParser extends Cursor {
    /** The experimental keywords the module imported; until then `and` and `or` are plain names. */
    logicKeywords = new Set();
    /** Token index of each `{` -> that of its `}`, computed once so that looking ahead stays linear overall. */
    closingBraces;
    // ------------------------------------------------------------------------------------------ bodies
    /** Expressions separated by `;` or newlines, up to (not including) `end`. */
    parseBody(end) {
        return this.nested(() => {
            if (this.atBodyEnd(end))
                this.unexpected('expected an expression (a body cannot be empty)');
            const body = [];
            for (;;) {
                body.push(this.parseLiteral());
                if (this.isPunct(';')) {
                    this.advance();
                    continue;
                }
                if (this.atBodyEnd(end))
                    return body;
                if (!this.tok.newlineBefore) {
                    this.unexpected(`expected a newline or ";"${end === 'eof' ? '' : ` or "${end}"`} after the expression`);
                }
            }
        });
    }
    atBodyEnd(end) {
        return end === 'eof' ? this.tok.kind === 'eof' : this.isPunct(end);
    }
    /** One expression of a body, with its `not` and `with` modifiers; `or` chains of `and` chains if imported. */
    parseLiteral() {
        const expr = this.logicKeywords.size === 0 ? this.parseOperandExpr() : this.parseOr();
        expr.with = this.parseWiths();
        if (this.atLogicKeyword('and') || this.atLogicKeyword('or')) {
            this.unexpected('with applies to the whole and/or expression: put it last, or in a braced operand { ... }');
        }
        return expr;
    }
    parseOr() {
        const start = this.tok;
        const first = this.parseAnd();
        if (this.atLogicKeyword('or'))
            return this.logicChain('or', first, () => this.parseAnd(true), start);
        if (first.braced)
            this.unexpected('expected and or or after the braced operand');
        return first.expr;
    }
    parseAnd(afterKeyword = false) {
        const start = this.tok;
        const first = this.parseOperand(afterKeyword);
        if (!this.atLogicKeyword('and'))
            return first;
        return { braced: false, expr: this.logicChain('and', first, () => this.parseOperand(true), start) };
    }
    logicChain(op, first, next, start) {
        const operands = [operandBody(first)];
        while (this.atLogicKeyword(op)) {
            this.advance();
            operands.push(operandBody(next()));
        }
        return { type: 'logic', op, operands, loc: this.loc(start), negated: false, with: [] };
    }
    /**
     * `{` starts a braced operand when `and` or `or` follows its closing brace, or, after one of them, when the
     * expression ends there. Otherwise it is a set, an object or a comprehension (`{"k": 1} == o`).
     */
    parseOperand(afterKeyword) {
        if (this.isPunct('{')) {
            const after = this.closingBraceDistance() + 1;
            const beforeKeyword = this.atLogicKeyword('and', after) || this.atLogicKeyword('or', after);
            if (beforeKeyword || (afterKeyword && this.endsExpression(this.peekAt(after)))) {
                return { braced: true, body: this.parseBracedBody() };
            }
        }
        return { braced: false, expr: this.parseOperandExpr() };
    }
    endsExpression(t) {
        return t.kind === 'eof' || t.newlineBefore || [';', '}', ']'].some((end) => this.isPunct(end, t)) ||
            this.isWord('with', t) || this.isWord('else', t);
    }
    /** How many tokens ahead the `}` matching the current `{` is (the end of the text when unmatched). */
    closingBraceDistance() {
        this.closingBraces ??= matchBraces(this.tokens);
        return (this.closingBraces.get(this.i) ?? this.tokens.length - 1) - this.i;
    }
    parseBracedBody() {
        this.advance();
        const body = this.parseBody('}');
        this.advance();
        return body;
    }
    /** `and`/`or` used as the imported keyword: not a call (`or(a, b)` is still the builtin). */
    atLogicKeyword(word, ahead = 0) {
        if (!this.logicKeywords.has(word) || !this.isWord(word, this.peekAt(ahead)))
            return false;
        const next = this.peekAt(ahead + 1);
        return !(this.isPunct('(', next) && !next.spaceBefore);
    }
    /** One expression with its `not`, without `with` modifiers. */
    parseOperandExpr() {
        const start = this.tok;
        let negated = false;
        if (this.atKeyword('not')) {
            this.advance();
            negated = true;
        }
        let expr;
        if (this.atKeyword('some')) {
            if (negated)
                this.fail('illegal negation of some');
            expr = this.parseSome();
        }
        else if (this.atKeyword('every')) {
            if (negated)
                this.fail('illegal negation of every');
            expr = this.parseEvery();
        }
        else if (negated && this.logicKeywords.has('not') && this.isPunct('{')) {
            expr = { type: 'logic', op: 'and', operands: [this.parseBracedBody()], loc: this.loc(start), negated, with: [] };
        }
        else {
            expr = this.parseTermExpr(this.loc(start), negated);
        }
        return expr;
    }
    parseTermExpr(loc, negated) {
        const left = this.parseInfix(true);
        if (this.isPunct(':=') || this.isPunct('=')) {
            const type = this.advance().text === ':=' ? 'assign' : 'unify';
            const right = this.parseInfix(true);
            return { type, left, right, loc, negated, with: [] };
        }
        return { type: 'term', term: left, loc, negated, with: [] };
    }
    parseWiths() {
        const withs = [];
        while (this.atKeyword('with')) {
            const loc = this.loc(this.advance());
            const targetTok = this.tok;
            const target = this.parseTerm();
            if (target.type !== 'var' && target.type !== 'ref') {
                this.fail('with target must be a name or a ref, e.g. input.user or data.x.y', targetTok);
            }
            this.expectWord('as', 'after the with target');
            withs.push({ target, value: this.parseInfix(true), loc });
        }
        return withs;
    }
    /** `some x, y` declares names; `some x in xs` and `some k, v in xs` iterate. */
    parseSome() {
        const someTok = this.advance();
        const loc = this.loc(someTok);
        const base = { loc, negated: false, with: [] };
        if (this.declaresNamesOnly()) {
            const vars = [this.parseDeclaredName()];
            while (this.isPunct(',')) {
                this.advance();
                vars.push(this.parseDeclaredName());
            }
            return { type: 'some', vars, ...base };
        }
        const start = this.tok;
        const membership = this.parseInfix(true);
        if (membership.type !== 'call' || !isMembership(membership)) {
            this.unexpected('expected `some x, y` or `some x in xs` or `some k, v in xs`', start);
        }
        const { key, value, collection } = membershipParts(membership);
        return key === undefined
            ? { type: 'somein', value, collection, ...base }
            : { type: 'somein', key, value, collection, ...base };
    }
    /** After `some`: a plain comma-separated list of names that is not followed by `in`. */
    declaresNamesOnly() {
        for (let ahead = 0;; ahead += 2) {
            const name = this.peekAt(ahead);
            if (name.kind !== 'ident' || KEYWORDS.has(name.text))
                return false;
            const after = this.peekAt(ahead + 1);
            if (this.isPunct(',', after))
                continue;
            const continuesTerm = after.kind === 'punct' && !after.spaceBefore && ['.', '[', '('].includes(after.text);
            return !continuesTerm && !this.isWord('in', after);
        }
    }
    parseDeclaredName() {
        const t = this.tok;
        if (t.kind !== 'ident' || KEYWORDS.has(t.text))
            this.unexpected('expected a variable name');
        this.advance();
        return { type: 'var', name: t.text, loc: this.loc(t) };
    }
    /** `every x in xs { ... }`, `every k, v in xs { ... }`: key and value are plain names. */
    parseEvery() {
        const loc = this.loc(this.advance());
        const start = this.tok;
        const domain = this.parseInfix(true);
        if (domain.type !== 'call' || !isMembership(domain)) {
            this.unexpected('expected `every x in xs { ... }` or `every k, v in xs { ... }`', start);
        }
        const { key, value, collection } = membershipParts(domain);
        for (const name of [key, value]) {
            if (name !== undefined && name.type !== 'var') {
                this.fail('every: the key and the value must be variable names', start);
            }
        }
        this.expectPunct('{', 'to open the every body');
        const body = this.parseBody('}');
        this.advance();
        const base = { type: 'every', value, domain: collection, body, loc, negated: false, with: [] };
        return key === undefined ? base : { ...base, key };
    }
    /** A whole text holding one term (infix operators allowed) and nothing after it. */
    parseWholeTerm() {
        const term = this.parseInfix(false);
        if (this.tok.kind !== 'eof')
            this.unexpected('expected the end of the term');
        return term;
    }
    // ------------------------------------------------------------------------------------------ infix terms
    /**
     * A term with infix operators. `allowKeyValue` admits `k, v in xs`, which a list (call arguments, array items)
     * cannot hold because its comma separates items. `first`, when given, is an already parsed leftmost term.
     */
    parseInfix(allowKeyValue, first) {
        let left = this.parseBinary(1, first);
        if (allowKeyValue && this.isPunct(',')) {
            const keyValue = this.attempt(() => {
                this.advance();
                const value = this.parseBinary(1);
                if (!this.isWord('in'))
                    this.unexpected('expected in');
                this.advance();
                return call(MEMBER_3, [left, value, this.parseBinary(1)], left.loc);
            });
            if (keyValue)
                left = keyValue;
        }
        while (this.isWord('in')) {
            this.advance();
            left = call(MEMBER_2, [left, this.parseBinary(1)], left.loc);
        }
        return left;
    }
    /** Precedence climbing over the binary operators whose level is at least `minLevel`. */
    parseBinary(minLevel, first) {
        let left = first ?? this.parseTerm();
        for (;;) {
            const op = this.tok.kind === 'punct' ? BINARY_OPERATORS[this.tok.text] : undefined;
            if (op === undefined || op.level < minLevel)
                return left;
            this.advance();
            const right = this.parseBinary(op.level + 1);
            left = call([op.fn], [left, right], left.loc);
        }
    }
    // ------------------------------------------------------------------------------------------ terms
    /** A single term, with the refs and calls that touch it (`a.b[c](d).e`), but no infix operators. */
    parseTerm() {
        return this.nested(() => {
            const start = this.tok;
            return this.parsePostfix(this.parsePrimary(), start);
        });
    }
    parsePrimary() {
        const t = this.tok;
        const loc = this.loc(t);
        switch (t.kind) {
            case 'number':
                this.checkMagnitude(t);
                this.advance();
                return { type: 'number', value: t.text, loc };
            case 'string':
                this.advance();
                return { type: 'string', value: t.value, loc };
            case 'template':
                if (t.continues)
                    this.unexpected('expected a term');
                return this.parseTemplate();
            case 'ident':
                return this.parseName(t, loc);
            case 'punct':
                if (t.text === '-')
                    return this.parseNegativeNumber(loc);
                if (t.text === '[')
                    return this.parseArray();
                if (t.text === '{')
                    return this.parseBraced();
                if (t.text === '(')
                    return this.parseParenthesized();
                break;
        }
        this.unexpected('expected a term');
    }
    parseName(t, loc) {
        if (KEYWORDS.has(t.text) && !this.isKeywordUsedAsName()) {
            if (t.text === 'null' || t.text === 'true' || t.text === 'false') {
                this.advance();
                return t.text === 'null' ? { type: 'null', loc } : { type: 'boolean', value: t.text === 'true', loc };
            }
            // `contains` is also a builtin function: `contains(s, "x")` is a call, not the keyword.
            const next = this.peekAt(1);
            if (!(t.text === 'contains' && this.isPunct('(', next) && !next.spaceBefore)) {
                this.unexpected('a keyword cannot be used as a name');
            }
        }
        this.advance();
        return { type: 'var', name: t.text, loc };
    }
    // Rego has negative number literals, not a negation operator: `-1` and `- 1.5`, but not `-x`.
    parseNegativeNumber(loc) {
        const minus = this.advance();
        const t = this.tok;
        if (t.kind !== 'number')
            this.unexpected('expected a number after "-" (there is no unary minus on other terms)');
        this.checkMagnitude(t, minus);
        this.advance();
        return { type: 'number', value: `-${t.text}`, loc };
    }
    /** Like OPA, refuses numbers whose size or precision no evaluator can hold (1e100000, a 40000-digit integer). */
    checkMagnitude(t, start = t) {
        if (Math.abs(decimalExponent(t.text)) > MAX_DECIMAL_EXPONENT)
            this.fail('number too big', start);
    }
    parseParenthesized() {
        this.advance();
        const inner = this.parseInfix(true);
        this.expectPunct(')', 'to close the parenthesis');
        return inner;
    }
    /** `[]`, `[a, b]`, `[x | body]`. A single term followed by `|` is a comprehension, as in OPA. */
    parseArray() {
        const loc = this.loc(this.advance());
        if (this.isPunct(']')) {
            this.advance();
            return { type: 'array', items: [], loc };
        }
        const first = this.parseTerm();
        if (this.isPunct('|')) {
            this.advance();
            const body = this.parseBody(']');
            this.advance();
            return { type: 'arraycompr', term: first, body, loc };
        }
        const items = this.parseListRest(']', this.parseInfix(false, first));
        return { type: 'array', items, loc };
    }
    /** `{}` (empty object), `{a, b}`, `{k: v}`, `{x | body}`, `{k: v | body}`. */
    parseBraced() {
        const loc = this.loc(this.advance());
        if (this.isPunct('}')) {
            this.advance();
            return { type: 'object', entries: [], loc };
        }
        const first = this.parseTerm();
        if (this.isPunct('|')) {
            this.advance();
            const body = this.parseBody('}');
            this.advance();
            return { type: 'setcompr', term: first, body, loc };
        }
        const key = this.parseInfix(false, first);
        if (!this.isPunct(':'))
            return { type: 'set', items: this.parseListRest('}', key), loc };
        this.advance();
        const valueFirst = this.parseTerm();
        if (this.isPunct('|')) {
            this.advance();
            const body = this.parseBody('}');
            this.advance();
            return { type: 'objectcompr', key, value: valueFirst, body, loc };
        }
        const entries = [[key, this.parseInfix(false, valueFirst)]];
        while (this.isPunct(',')) {
            this.advance();
            if (this.isPunct('}'))
                break;
            const k = this.parseInfix(false);
            this.expectPunct(':', 'between an object key and its value');
            entries.push([k, this.parseInfix(false)]);
        }
        this.expectPunct('}', 'or "," in the object');
        return { type: 'object', entries, loc };
    }
    /** The rest of a comma-separated list whose first item is parsed; a trailing comma is allowed. */
    parseListRest(close, first) {
        const items = first === undefined ? [] : [first];
        if (first === undefined && this.isPunct(close)) {
            this.advance();
            return items;
        }
        if (first === undefined)
            items.push(this.parseInfix(false));
        while (this.isPunct(',')) {
            this.advance();
            if (this.isPunct(close))
                break;
            items.push(this.parseInfix(false));
        }
        this.expectPunct(close, `or "," in the list`);
        return items;
    }
    /** `$"a {x} b"`: the scanner cut it into literal pieces; the embedded expressions are parsed here. */
    parseTemplate() {
        const open = this.advance();
        const parts = [open.value];
        const terms = [];
        let piece = open;
        while (!piece.closes) {
            terms.push(this.parseInfix(true));
            if (this.isPunct('=') || this.isPunct(':='))
                this.fail('unexpected assignment or unification in a template string');
            if (this.isWord('with'))
                this.fail('with is not supported inside a template string expression');
            const next = this.tok;
            if (next.kind !== 'template' || !next.continues)
                this.unexpected('expected "}" to end the template expression');
            piece = this.advance();
            parts.push(piece.value);
        }
        return { type: 'template', parts, terms, loc: this.loc(open) };
    }
    /** Refs and calls that touch the term: `.name`, `[term]`, `(args)`, in any sequence. */
    parsePostfix(head, headToken) {
        let current = head;
        let path = [];
        for (;;) {
            const t = this.tok;
            if (t.kind !== 'punct' || t.spaceBefore)
                break;
            if (t.text === '.') {
                this.advance();
                const name = this.tok;
                if (name.kind !== 'ident' || name.spaceBefore)
                    this.unexpected('expected a name after "."');
                this.advance();
                path.push({ type: 'string', value: name.text, loc: this.loc(name) });
            }
            else if (t.text === '[') {
                this.advance();
                path.push(this.parseInfix(true));
                this.expectPunct(']', 'to close the ref');
            }
            else if (t.text === '(') {
                current = this.parseCall(current, path, t);
                path = [];
            }
            else {
                break;
            }
        }
        return path.length === 0 ? current : this.makeRef(current, path, headToken);
    }
    parseCall(head, path, open) {
        const fn = functionName(head, path);
        if (fn === undefined)
            this.fail('only a name or a dotted name can be called, e.g. f(x) or lib.f(x)', open);
        this.advance();
        const args = this.parseListRest(')');
        if (args.length === 0 && fn.length === 1 && fn[0] === 'set')
            return { type: 'set', items: [], loc: head.loc };
        return call(fn, args, head.loc);
    }
    makeRef(head, path, headToken) {
        if (!REF_HEADS.has(head.type))
            this.fail(`illegal ref: its head cannot be a ${head.type}`, headToken);
        return { type: 'ref', head, path, loc: head.loc };
    }
}
function matchBraces(tokens) {
    const matches = new Map();
    const open = [];
    tokens.forEach((t, i) => {
        if (t.kind !== 'punct')
            return;
        if (t.text === '{')
            open.push(i);
        else if (t.text === '}' && open.length > 0)
            matches.set(open.pop(), i);
    });
    return matches;
}
function operandBody(operand) {
    return operand.braced ? operand.body : [operand.expr];
}
function call(fn, args, loc) {
    return { type: 'call', fn, args, loc };
}
function isMembership(term) {
    const name = term.fn.join('.');
    return name === MEMBER_2.join('.') || name === MEMBER_3.join('.');
}
/** The power of ten of a number literal's leading digit: 3 for 1234, -3 for 0.00123, 7 for 1.5e7. */
function decimalExponent(text) {
    const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
    const [integer, fraction = ''] = mantissa.split('.');
    const significant = integer.replace(/^0+/, '');
    const fractionDigits = fraction.replace(/^0+/, '');
    if (significant.length === 0 && fractionDigits.length === 0)
        return 0; // zero, whatever its exponent
    const position = significant.length > 0 ? significant.length - 1 : fractionDigits.length - fraction.length - 1;
    // An exponent too long for a double becomes Infinity, which still compares as too big.
    return position + Number(exponent);
}
/** `x in xs` is member_2(x, xs); `k, x in xs` is member_3(k, x, xs). */
function membershipParts(term) {
    const [a, b, c] = term.args;
    return c === undefined ? { value: a, collection: b } : { key: a, value: b, collection: c };
}
/** `f` and `a.b.f` name functions; anything else (`a[x]`, `[1](2)`) does not. */
function functionName(head, path) {
    if (head.type !== 'var')
        return undefined;
    const segments = [head.name];
    for (const p of path) {
        if (p.type !== 'string')
            return undefined;
        segments.push(p.value);
    }
    return segments;
}
//# sourceMappingURL=expr-parser.js.map