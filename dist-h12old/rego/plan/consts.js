export class ConstPool {
    values = [];
    index = new Map();
    intern(value) {
        const key = JSON.stringify(value);
        let i = this.index.get(key);
        if (i === undefined) {
            i = this.values.length;
            this.values.push(value);
            this.index.set(key, i);
        }
        return i;
    }
}
/** The term's value when it is fully known at compile time, else undefined. */
export function constOf(term) {
    switch (term.type) {
        case 'null':
            return { type: 'null' };
        case 'boolean':
            return { type: 'boolean', value: term.value };
        case 'number':
            return { type: 'number', text: term.value };
        case 'string':
            return { type: 'string', value: term.value };
        case 'array':
        case 'set': {
            const items = allConst(term.items);
            return items && { type: term.type, items };
        }
        case 'object': {
            const entries = [];
            for (const [k, v] of term.entries) {
                const key = constOf(k);
                const value = constOf(v);
                if (!key || !value)
                    return undefined;
                entries.push([key, value]);
            }
            return { type: 'object', entries };
        }
        default:
            return undefined;
    }
}
function allConst(terms) {
    const out = [];
    for (const t of terms) {
        const c = constOf(t);
        if (!c)
            return undefined;
        out.push(c);
    }
    return out;
}
export const TRUE = { type: 'boolean', value: true };
export const FALSE = { type: 'boolean', value: false };
export const numberConst = (n) => ({ type: 'number', text: String(n) });
export const stringConst = (s) => ({ type: 'string', value: s });
//# sourceMappingURL=consts.js.map