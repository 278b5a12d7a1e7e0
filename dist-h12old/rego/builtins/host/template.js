// The part of Go's text/template that strings.render_template needs: text, `{{.field.path}}`, `{{.}}`,
// variables, `if`/`else`/`end`, `range` (with `$i, $v :=`) and `with`. A missing field prints as
// `<undefined>`, as OPA renders it outside strict mode (Go's own default would print "<no value>").
import { BuiltinError } from './args.js';
/** The value of a field the variables do not have. */
const MISSING = Symbol('missing');
export function renderTemplate(template, vars) {
    const tokens = tokenize(template);
    const { nodes, rest } = parseNodes(tokens, 0);
    if (rest < tokens.length)
        throw new BuiltinError(`template: unexpected {{${tokens[rest].text}}}`);
    return render(nodes, { dot: vars, vars: new Map([['$', vars]]) });
}
function tokenize(template) {
    const tokens = [];
    let i = 0;
    while (i < template.length) {
        const open = template.indexOf('{{', i);
        if (open < 0) {
            tokens.push({ action: false, text: template.slice(i) });
            break;
        }
        const close = template.indexOf('}}', open + 2);
        if (close < 0)
            throw new BuiltinError('template: unclosed action');
        let text = template.slice(i, open);
        let inner = template.slice(open + 2, close);
        if (inner.startsWith('- ')) {
            text = text.trimEnd();
            inner = inner.slice(2);
        }
        let end = close + 2;
        if (inner.endsWith(' -')) {
            inner = inner.slice(0, -2);
            const after = /^\s*/.exec(template.slice(end))[0];
            end += after.length;
        }
        if (text)
            tokens.push({ action: false, text });
        tokens.push({ action: true, text: inner.trim() });
        i = end;
    }
    return tokens;
}
function keyword(token) {
    return token.action ? /^(if|else|end|range|with)\b/.exec(token.text)?.[1] : undefined;
}
/** Parses until an `else` or `end` at this level; returns the index of that token. */
function parseNodes(tokens, start) {
    const nodes = [];
    let i = start;
    while (i < tokens.length) {
        const t = tokens[i];
        const kw = keyword(t);
        if (kw === 'else' || kw === 'end')
            break;
        if (!t.action) {
            nodes.push({ kind: 'text', text: t.text });
            i++;
        }
        else if (t.text.startsWith('/*')) {
            i++;
        }
        else if (kw === 'if' || kw === 'with' || kw === 'range') {
            const parsed = parseBlock(tokens, i, kw);
            nodes.push(parsed.node);
            i = parsed.rest;
        }
        else {
            nodes.push({ kind: 'print', expr: t.text });
            i++;
        }
    }
    return { nodes, rest: i };
}
function parseBlock(tokens, at, kw) {
    const head = tokens[at].text.slice(kw.length).trim();
    const body = parseNodes(tokens, at + 1);
    let elseNodes = [];
    let i = body.rest;
    if (i < tokens.length && keyword(tokens[i]) === 'else') {
        const elseText = tokens[i].text.slice(4).trim();
        if (elseText.startsWith('if ')) {
            // `{{else if x}}` is an `if` nested in the else branch that shares the outer `{{end}}`.
            const nested = parseBlock([{ action: true, text: elseText }, ...tokens.slice(i + 1)], 0, 'if');
            elseNodes = [nested.node];
            return { node: makeBlock(kw, head, body.nodes, elseNodes), rest: i + nested.rest };
        }
        const e = parseNodes(tokens, i + 1);
        elseNodes = e.nodes;
        i = e.rest;
    }
    if (i >= tokens.length || keyword(tokens[i]) !== 'end')
        throw new BuiltinError(`template: missing {{end}} for {{${kw}}}`);
    return { node: makeBlock(kw, head, body.nodes, elseNodes), rest: i + 1 };
}
function makeBlock(kw, head, then, elseNodes) {
    if (kw !== 'range')
        return { kind: kw, expr: head, then, else: elseNodes };
    const decl = /^(\$\w*)\s*(?:,\s*(\$\w*)\s*)?:=\s*(.+)$/.exec(head);
    if (!decl)
        return { kind: 'range', expr: head, body: then, else: elseNodes };
    const [, first, second, expr] = decl;
    return second
        ? { kind: 'range', expr, keyVar: first, valueVar: second, body: then, else: elseNodes }
        : { kind: 'range', expr, valueVar: first, body: then, else: elseNodes };
}
function render(nodes, scope) {
    let out = '';
    for (const node of nodes) {
        switch (node.kind) {
            case 'text':
                out += node.text;
                break;
            case 'print':
                out += goPrint(evaluate(node.expr, scope));
                break;
            case 'if': {
                out += render(truthy(evaluate(node.expr, scope)) ? node.then : node.else, scope);
                break;
            }
            case 'with': {
                const v = evaluate(node.expr, scope);
                out += truthy(v) ? render(node.then, { ...scope, dot: v }) : render(node.else, scope);
                break;
            }
            case 'range':
                out += renderRange(node, scope);
                break;
        }
    }
    return out;
}
function renderRange(node, scope) {
    const v = evaluate(node.expr, scope);
    const pairs = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : typeof v === 'object' && v !== null
            ? Object.keys(v).sort().map((k) => [k, v[k]])
            : [];
    if (pairs.length === 0)
        return render(node.else, scope);
    let out = '';
    for (const [k, x] of pairs) {
        const vars = new Map(scope.vars);
        if (node.keyVar)
            vars.set(node.keyVar, k);
        if (node.valueVar)
            vars.set(node.valueVar, x);
        out += render(node.body, { dot: x, vars });
    }
    return out;
}
function evaluate(expr, scope) {
    const text = expr.trim();
    if (text === '.')
        return scope.dot;
    const m = /^(\$\w*|)((?:\.\w+)*)$/.exec(text);
    if (!m)
        throw new BuiltinError(`template: unsupported expression ${text}`);
    let v;
    if (m[1]) {
        if (!scope.vars.has(m[1]))
            throw new BuiltinError(`template: undefined variable "${m[1]}"`);
        v = scope.vars.get(m[1]);
    }
    else {
        v = scope.dot;
    }
    for (const field of m[2].split('.').slice(1)) {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, field))
            return MISSING;
        v = v[field];
    }
    return v;
}
function truthy(v) {
    if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === '')
        return false;
    if (Array.isArray(v))
        return v.length > 0;
    if (typeof v === 'object')
        return Object.keys(v).length > 0;
    return true;
}
/** How Go's fmt prints an interface{} holding decoded JSON. */
function goPrint(v) {
    if (v === MISSING)
        return '<undefined>';
    if (v === null || v === undefined)
        return '<nil>';
    if (Array.isArray(v))
        return `[${v.map(goPrint).join(' ')}]`;
    if (typeof v === 'object') {
        const keys = Object.keys(v).sort();
        return `map[${keys.map((k) => `${k}:${goPrint(v[k])}`).join(' ')}]`;
    }
    return String(v);
}
//# sourceMappingURL=template.js.map