export class FuncBuilder {
    name;
    params;
    origin;
    count;
    body = [];
    current;
    constructor(name, params, origin) {
        this.name = name;
        this.params = params;
        this.origin = origin;
        this.count = params;
        this.current = this.body;
    }
    /** A fresh local, never used before in this function (so it is undefined until set). */
    local() {
        return this.count++;
    }
    /** The i-th parameter. */
    param(i) {
        if (i >= this.params)
            throw new Error(`planner: ${this.name} has no parameter ${i}`);
        return i;
    }
    emit(stmt) {
        this.current.push(stmt);
    }
    /** The block statements currently go to. */
    get cursor() {
        return this.current;
    }
    /** Later statements go into `block` (the body of a scan just emitted, for example). */
    enter(block) {
        this.current = block;
    }
    /** Runs `fn` with statements going to `block`, then returns to the current block. */
    inside(block, fn) {
        const saved = this.current;
        this.current = block;
        try {
            return fn();
        }
        finally {
            this.current = saved;
        }
    }
    /** Emits `{op: 'block'}` and fills it with `fn`: failures inside only leave that block. */
    block(fn) {
        const body = [];
        this.emit({ op: 'block', body });
        this.inside(body, fn);
    }
    finish(result) {
        return { name: this.name, params: this.params, locals: this.count, result, body: this.body, origin: this.origin };
    }
}
//# sourceMappingURL=builder.js.map