// Builds one IR function. Statements go to the "current" block; iteration and nesting move that cursor, so a
// Rego body is planned as a straight sequence whose later expressions land inside earlier scans.
import type { Block, Func, Local, Stmt } from './ir.js';

export class FuncBuilder {
  private count: number;
  readonly body: Block = [];
  private current: Block;

  constructor(
    readonly name: string,
    readonly params: number,
    readonly origin: string,
  ) {
    this.count = params;
    this.current = this.body;
  }

  /** A fresh local, never used before in this function (so it is undefined until set). */
  local(): Local {
    return this.count++;
  }

  /** The i-th parameter. */
  param(i: number): Local {
    if (i >= this.params) throw new Error(`planner: ${this.name} has no parameter ${i}`);
    return i;
  }

  emit(stmt: Stmt): void {
    this.current.push(stmt);
  }

  /** The block statements currently go to. */
  get cursor(): Block {
    return this.current;
  }

  /** Later statements go into `block` (the body of a scan just emitted, for example). */
  enter(block: Block): void {
    this.current = block;
  }

  /** Runs `fn` with statements going to `block`, then returns to the current block. */
  inside<T>(block: Block, fn: () => T): T {
    const saved = this.current;
    this.current = block;
    try {
      return fn();
    } finally {
      this.current = saved;
    }
  }

  /** Emits `{op: 'block'}` and fills it with `fn`: failures inside only leave that block. */
  block(fn: () => void): void {
    const body: Block = [];
    this.emit({ op: 'block', body });
    this.inside(body, fn);
  }

  finish(result: Local): Func {
    return { name: this.name, params: this.params, locals: this.count, result, body: this.body, origin: this.origin };
  }
}
