export function dumpPlan(plan) {
    const out = [];
    plan.consts.forEach((c, i) => out.push(`const ${i} = ${constText(c)}`));
    out.push(`memo slots: ${plan.memoSlots}`);
    for (const e of plan.entrypoints)
        out.push(`entrypoint ${JSON.stringify(e.name)} -> ${e.func}`);
    for (const f of plan.funcs)
        out.push('', dumpFunc(f));
    return out.join('\n');
}
export function dumpFunc(func) {
    const params = Array.from({ length: func.params }, (_, i) => `l${i}`).join(', ');
    const lines = [`func ${func.name}(${params}) -> l${func.result}  # ${func.origin}, ${func.locals} locals`];
    dumpBlock(func.body, 1, lines);
    return lines.join('\n');
}
function dumpBlock(block, depth, lines) {
    for (const stmt of block) {
        const pad = '  '.repeat(depth);
        lines.push(pad + stmtText(stmt));
        const nested = nestedBlock(stmt);
        if (nested)
            dumpBlock(nested, depth + 1, lines);
    }
}
function nestedBlock(stmt) {
    return stmt.op === 'block' || stmt.op === 'scan' || stmt.op === 'not' ? stmt.body : undefined;
}
const l = (n) => `l${n}`;
function stmtText(s) {
    switch (s.op) {
        case 'const':
            return `${l(s.target)} = const ${s.index}`;
        case 'assign':
            return `${l(s.target)} = ${l(s.source)}`;
        case 'reset':
            return `${l(s.target)} = undefined`;
        case 'dot':
            return `${l(s.target)} = ${l(s.source)}[${l(s.key)}]`;
        case 'len':
            return `${l(s.target)} = len ${l(s.source)}`;
        case 'makeArray':
            return `${l(s.target)} = array(cap ${s.capacity})`;
        case 'makeObject':
            return `${l(s.target)} = object()`;
        case 'makeSet':
            return `${l(s.target)} = set()`;
        case 'arrayAppend':
            return `append ${l(s.array)} ${l(s.value)}`;
        case 'setAdd':
            return `add ${l(s.set)} ${l(s.value)}`;
        case 'objectInsert':
            return `${l(s.object)}[${l(s.key)}] = ${l(s.value)}`;
        case 'objectInsertOnce':
            return `${l(s.object)}[${l(s.key)}] = once ${l(s.value)}  @${s.loc}`;
        case 'objectMerge':
            return `merge ${l(s.target)} <- ${l(s.source)}  @${s.loc}`;
        case 'assignOnce':
            return `${l(s.target)} = once ${l(s.source)}  @${s.loc}`;
        case 'equal':
            return `${l(s.a)} == ${l(s.b)}`;
        case 'notEqual':
            return `${l(s.a)} != ${l(s.b)}`;
        case 'isTrue':
            return `true? ${l(s.source)}`;
        case 'isDefined':
            return `defined? ${l(s.source)}`;
        case 'isUndefined':
            return `undefined? ${l(s.source)}`;
        case 'isType':
            return `${s.type}? ${l(s.source)}`;
        case 'block':
            return 'block';
        case 'scan':
            return `scan ${l(s.source)} (${l(s.key)}, ${l(s.value)})`;
        case 'not':
            return 'not';
        case 'return':
            return `return ${l(s.source)}`;
        case 'call':
            return `${l(s.target)} = call ${s.func}(${s.args.map(l).join(', ')})`;
        case 'callBuiltin':
            return `${l(s.target)} = builtin ${s.name}(${s.args.map(l).join(', ')})`;
        case 'print':
            return `print(${s.args.map(l).join(', ')})`;
        case 'memoGet':
            return `${l(s.target)} = memo ${s.slot}`;
        case 'memoSet':
            return `memo ${s.slot} = ${l(s.source)}`;
    }
}
export function constText(c) {
    switch (c.type) {
        case 'null':
            return 'null';
        case 'boolean':
            return String(c.value);
        case 'number':
            return c.text;
        case 'string':
            return JSON.stringify(c.value);
        case 'array':
            return `[${c.items.map(constText).join(', ')}]`;
        case 'set':
            return `set(${c.items.map(constText).join(', ')})`;
        case 'object':
            return `{${c.entries.map(([k, v]) => `${constText(k)}: ${constText(v)}`).join(', ')}}`;
    }
}
//# sourceMappingURL=dump.js.map