// The Rego v1 parser: tokens to a `Module`. This file holds the module structure (package, imports, rules, else
// chains) and the public entry points; terms and bodies are parsed by ExprParser. A statement that fails to parse
// is recorded and skipped: parsing resumes at the next line that starts in column 1 with a name, so one mistake
// does not hide the next. Everything that goes wrong is thrown as RegoErrors with code rego_parse_error.
import { RegoError, RegoErrors } from '../errors.js';
import { ParseAbort } from './cursor.js';
import { ExprParser } from './expr-parser.js';
import { KEYWORDS, scan } from './scanner.js';
/** Stop after this many errors: later ones are usually echoes of the first. */
const MAX_ERRORS = 10;
const IMPORT_ROOTS = ['data', 'input', 'future', 'rego'];
const FUTURE_KEYWORDS = ['contains', 'every', 'if', 'in'];
/** OPA's experimental keywords: they change the syntax only where imported by name. */
const LOGIC_KEYWORDS = ['and', 'or', 'not'];
class ModuleParser extends ExprParser {
    errors = [];
    parseModule() {
        let pkg;
        const imports = [];
        const rules = [];
        while (!this.atEof() && this.errors.length < MAX_ERRORS) {
            const start = this.i;
            try {
                if (pkg === undefined) {
                    pkg = this.parsePackage();
                }
                else if (this.atKeyword('package')) {
                    this.fail('unexpected package keyword: a file declares one package, at its top');
                }
                else if (this.atKeyword('import')) {
                    imports.push(this.parseImport());
                }
                else {
                    rules.push(...this.parseRules());
                }
                if (!this.atEof() && !this.tok.newlineBefore)
                    this.unexpected('expected a newline after the statement');
            }
            catch (e) {
                if (!(e instanceof ParseAbort))
                    throw e;
                this.errors.push(e.toRegoError());
                // Without a package the module is already wrong; a placeholder lets the rules after it be checked too.
                pkg ??= { path: [], loc: e.loc };
                this.resynchronise(Math.max(e.at, start + 1));
            }
        }
        if (pkg === undefined)
            this.errors.push(new RegoError('rego_parse_error', 'empty module: expected package declaration', this.loc()));
        if (this.errors.length > 0 || pkg === undefined)
            throw new RegoErrors(this.errors);
        return { file: this.file, package: pkg, imports, rules };
    }
    /** Skips to the next token that can start a statement: a name at the start of a line. */
    resynchronise(from) {
        this.i = Math.min(from, this.tokens.length - 1);
        while (this.tok.kind !== 'eof' && !(this.tok.kind === 'ident' && this.tok.col === 1 && this.tok.newlineBefore)) {
            this.advance();
        }
    }
    // ------------------------------------------------------------------------------------------ package, imports
    parsePackage() {
        if (!this.atKeyword('package'))
            this.unexpected('expected package declaration');
        const loc = this.loc(this.advance());
        return { path: this.parseDottedPath('package').map((segment) => segment.value), loc };
    }
    /** `a.b["c"]`: names (keywords included) after dots, strings in brackets. */
    parseDottedPath(what) {
        const first = this.tok;
        if (first.kind !== 'ident')
            this.unexpected(`expected a ${what} path`);
        this.advance();
        const path = [{ value: first.text, loc: this.loc(first) }];
        for (;;) {
            const t = this.tok;
            if (t.kind !== 'punct' || t.spaceBefore)
                return path;
            if (t.text === '.') {
                this.advance();
                const name = this.tok;
                if (name.kind !== 'ident' || name.spaceBefore)
                    this.unexpected('expected a name after "."');
                path.push({ value: this.advance().text, loc: this.loc(name) });
            }
            else if (t.text === '[') {
                this.advance();
                const key = this.tok;
                if (key.kind !== 'string')
                    this.unexpected(`expected a string in a ${what} path`);
                path.push({ value: this.advance().value, loc: this.loc(key) });
                this.expectPunct(']', `to close the ${what} path`);
            }
            else {
                return path;
            }
        }
    }
    parseImport() {
        const loc = this.loc(this.advance());
        const headTok = this.tok;
        const [root, ...rest] = this.parseDottedPath('import');
        if (!IMPORT_ROOTS.includes(root.value)) {
            this.fail(`unexpected import path: it must begin with one of ${IMPORT_ROOTS.join(', ')}, not ${root.value}`, headTok);
        }
        const head = { type: 'var', name: root.value, loc: root.loc };
        const path = rest.length === 0
            ? head
            : { type: 'ref', head, path: rest.map(({ value, loc }) => ({ type: 'string', value, loc })), loc: root.loc };
        let alias;
        if (this.atKeyword('as')) {
            this.advance();
            const name = this.tok;
            if (name.kind !== 'ident' || KEYWORDS.has(name.text))
                this.unexpected('expected an alias name after as');
            alias = this.advance().text;
        }
        this.checkImport(root.value, rest.map((segment) => segment.value), alias, headTok);
        return alias === undefined ? { loc, path } : { loc, path, alias };
    }
    checkImport(root, rest, alias, at) {
        if (root === 'future') {
            const keyword = rest[1];
            const logicKeyword = LOGIC_KEYWORDS.find((k) => k === keyword);
            const known = keyword === undefined || FUTURE_KEYWORDS.includes(keyword) || logicKeyword !== undefined;
            if (rest[0] !== 'keywords' || rest.length > 2 || !known) {
                const all = [...FUTURE_KEYWORDS, ...LOGIC_KEYWORDS].join(', ');
                this.fail(`invalid import: expected future.keywords or future.keywords.x, x one of ${all}`, at);
            }
            if (alias !== undefined)
                this.fail('future imports cannot be aliased', at);
            if (logicKeyword !== undefined)
                this.logicKeywords.add(logicKeyword);
        }
        else if (root === 'rego') {
            if (rest.length !== 1 || rest[0] !== 'v1')
                this.fail('invalid import: the only rego import is rego.v1', at);
            if (alias !== undefined)
                this.fail('rego imports cannot be aliased', at);
        }
        else if (alias === undefined && KEYWORDS.has(rest.length > 0 ? rest[rest.length - 1] : root)) {
            this.fail('unexpected import path: it must not end with a keyword (import it with an alias)', at);
        }
    }
    // ------------------------------------------------------------------------------------------ rules
    /** A rule and, for `p if {...} {...}`, one more rule per extra body. */
    parseRules() {
        const loc = this.loc();
        const isDefault = this.atKeyword('default');
        if (isDefault)
            this.advance();
        const headTok = this.tok;
        const head = this.parseHead();
        if (isDefault)
            return [this.finishDefault(loc, head, headTok)];
        let body = [];
        let braced = false;
        if (this.atKeyword('if')) {
            this.advance();
            ({ body, braced } = this.parseRuleBody());
        }
        else if (this.isPunct('{')) {
            this.fail('`if` keyword is required before rule body');
        }
        else if (!head.contains && head.value === undefined) {
            this.unexpected(head.ref.length > 1 && head.args === undefined
                ? '`contains` keyword is required for partial set rules (p contains x), or give a value with :='
                : 'expected if, :=, = or contains after the rule head');
        }
        const elses = this.atKeyword('else') ? this.parseElseChain(head) : [];
        const rules = [{ loc, default: false, head, body, else: elses }];
        while (braced && elses.length === 0 && this.isPunct('{')) {
            const bodyLoc = this.loc(this.advance());
            const extra = this.parseBody('}');
            this.advance();
            rules.push({ loc: bodyLoc, default: false, head: structuredClone(head), body: extra, else: [] });
        }
        return rules;
    }
    /** The name, the rest of the head ref, the function arguments, then `contains x`, `:= v` or `= v`. */
    parseHead() {
        const nameTok = this.tok;
        if (nameTok.kind !== 'ident')
            this.unexpected('expected a rule, an import or the end of the file');
        if (KEYWORDS.has(nameTok.text) && !this.isKeywordUsedAsName()) {
            this.unexpected('a keyword cannot be used as a rule name');
        }
        this.advance();
        const loc = this.loc(nameTok);
        const ref = [{ type: 'string', value: nameTok.text, loc }];
        let args;
        while (args === undefined && this.tok.kind === 'punct' && !this.tok.spaceBefore) {
            const t = this.tok;
            if (t.text === '.') {
                this.advance();
                const name = this.tok;
                if (name.kind !== 'ident' || name.spaceBefore)
                    this.unexpected('expected a name after "."');
                ref.push({ type: 'string', value: this.advance().text, loc: this.loc(name) });
            }
            else if (t.text === '[') {
                this.advance();
                ref.push(this.parseInfix(true));
                this.expectPunct(']', 'to close the rule head ref');
            }
            else if (t.text === '(') {
                this.advance();
                args = this.parseArguments();
            }
            else {
                break;
            }
        }
        const head = { loc, ref, assign: false, contains: false };
        if (args !== undefined)
            head.args = args;
        if (this.atKeyword('contains')) {
            if (args !== undefined)
                this.fail('contains cannot be used with a function (f(x) contains ...)');
            this.advance();
            head.key = this.parseInfix(true);
            head.contains = true;
        }
        else if (this.isPunct(':=') || this.isPunct('=')) {
            head.assign = this.advance().text === ':=';
            head.value = this.parseInfix(true);
        }
        return head;
    }
    parseArguments() {
        const args = [];
        if (this.isPunct(')'))
            this.fail('a function needs at least one argument');
        for (;;) {
            args.push(this.parseInfix(false));
            if (!this.isPunct(','))
                break;
            this.advance();
        }
        this.expectPunct(')', 'or "," in the function arguments');
        return args;
    }
    finishDefault(loc, head, headTok) {
        if (head.contains || head.value === undefined) {
            this.fail('a default rule needs a value, e.g. default allow := false', headTok);
        }
        const nonConstant = findNonConstant(head.value);
        if (nonConstant !== undefined)
            this.fail(`illegal default rule: its value cannot contain a ${nonConstant}`, headTok);
        const seen = new Set();
        for (const arg of head.args ?? []) {
            if (arg.type !== 'var')
                this.fail('illegal default rule: its arguments must be variables', headTok);
            if (arg.name !== '_' && seen.has(arg.name))
                this.fail(`illegal default rule: argument ${arg.name} is repeated`, headTok);
            seen.add(arg.name);
        }
        if (this.atKeyword('if') || this.isPunct('{'))
            this.fail('a default rule cannot have a body');
        return { loc, default: true, head, body: [], else: [] };
    }
    /**
     * After `if`: a braced body, or one expression. `p if { x }` is ambiguous, a set literal or a body; as in OPA,
     * the expression reading wins unless it gives a set literal (always true, so never what was meant).
     */
    parseRuleBody() {
        if (!this.isPunct('{'))
            return { body: [this.parseLiteral()], braced: false };
        if (this.isPunct('}', this.peekAt(1)))
            this.fail('found empty body');
        const single = this.attempt(() => {
            const expr = this.parseLiteral();
            const endsHere = this.tok.kind === 'eof' || this.tok.newlineBefore || this.atKeyword('else');
            if (!endsHere || (expr.type === 'term' && expr.term.type === 'set' && !expr.negated && expr.with.length === 0)) {
                this.fail('not a single expression');
            }
            return expr;
        });
        if (single !== undefined)
            return { body: [single], braced: false };
        this.advance();
        const body = this.parseBody('}');
        this.advance();
        return { body, braced: true };
    }
    parseElseChain(head) {
        if (head.contains)
            this.fail('else keyword cannot be used on multi-value rules');
        if (!head.ref.slice(1).every(isGround))
            this.fail('else keyword cannot be used on rules with variables in head');
        const clauses = [];
        while (this.atKeyword('else')) {
            const clause = this.parseElse();
            clauses.push(clause);
            // `else := v` without a body always holds: nothing after it could ever be reached.
            if (clause.body.length === 0)
                break;
        }
        return clauses;
    }
    /** `else := v if {...}`, `else = v if x`, `else if {...}` (value true), `else := v`. */
    parseElse() {
        const loc = this.loc(this.advance());
        const clause = { loc, body: [], assign: false };
        if (this.isPunct(':=') || this.isPunct('=')) {
            clause.assign = this.advance().text === ':=';
            clause.value = this.parseInfix(true);
        }
        else if (!this.atKeyword('if')) {
            this.unexpected(this.isPunct('{') ? '`if` keyword is required before else body' : 'expected :=, = or if after else');
        }
        if (this.atKeyword('if')) {
            this.advance();
            if (this.isPunct('{')) {
                this.advance();
                clause.body = this.parseBody('}');
                this.advance();
            }
            else {
                clause.body = [this.parseLiteral()];
            }
        }
        else if (this.isPunct('{')) {
            this.fail('`if` keyword is required before else body');
        }
        return clause;
    }
}
/** A term without variables, refs or calls. */
function isGround(term) {
    switch (term.type) {
        case 'null':
        case 'boolean':
        case 'number':
        case 'string':
            return true;
        case 'array':
        case 'set':
            return term.items.every(isGround);
        case 'object':
            return term.entries.every(([k, v]) => isGround(k) && isGround(v));
        case 'template':
            return term.terms.every(isGround);
        default:
            return false;
    }
}
/** The kind of the first var, ref or call in a default value; comprehensions are closed and allowed. */
function findNonConstant(term) {
    switch (term.type) {
        case 'var': return 'variable';
        case 'ref': return 'ref';
        case 'call': return 'call';
        case 'array':
        case 'set': return firstDefined(term.items.map(findNonConstant));
        case 'object': return firstDefined(term.entries.flatMap(([k, v]) => [findNonConstant(k), findNonConstant(v)]));
        case 'template': return firstDefined(term.terms.map(findNonConstant));
        default: return undefined;
    }
}
function firstDefined(values) {
    return values.find((v) => v !== undefined);
}
/** Runs one parse over the whole text and turns an abort into RegoErrors. */
function parseWhole(text, file, parse) {
    const parser = new ExprParser(scan(text), file);
    try {
        return parse(parser);
    }
    catch (e) {
        if (e instanceof ParseAbort)
            throw new RegoErrors([e.toRegoError()]);
        throw e;
    }
}
/** Parses a Rego v1 module. Throws RegoErrors (rego_parse_error) listing what is wrong, each with its location. */
export function parseModule(text, file) {
    return new ModuleParser(scan(text), file).parseModule();
}
/** Parses a query such as `data.x.p = y` or `x := 1; y = x + 1` (newlines or `;` separate expressions). */
export function parseQuery(text, file) {
    return parseWhole(text, file, (p) => p.parseBody('eof'));
}
/** Parses one term, such as the compliance suite's `input_term` (`{"a": {1, 2}}`). */
export function parseTermText(text, file) {
    return parseWhole(text, file, (p) => p.parseWholeTerm());
}
//# sourceMappingURL=parser.js.map