// Per-evaluation memo of rule values. Each slot is a value global plus the epoch (evaluation number) in which it
// was set; starting an evaluation bumps the epoch, which forgets every slot at once instead of clearing N flags.
import binaryen from 'binaryen';
import { MEMO_EPOCH, memoEpochGlobal, memoValueGlobal } from './names.js';
const i32 = binaryen.i32;
export class Memo {
    module;
    slots;
    constructor(module, slots) {
        this.module = module;
        this.slots = slots;
        if (!Number.isInteger(slots) || slots < 0)
            throw new Error(`emitter: bad memo slot count ${slots}`);
        if (slots === 0)
            return;
        module.addGlobal(MEMO_EPOCH, i32, true, module.i32.const(0));
        for (let s = 0; s < slots; s++) {
            module.addGlobal(memoValueGlobal(s), i32, true, module.i32.const(0));
            module.addGlobal(memoEpochGlobal(s), i32, true, module.i32.const(0));
        }
    }
    /** Leaves `failLabel` unless the slot was set in this evaluation; else target := the slot's value. */
    get(slot, target, failLabel) {
        this.checkSlot(slot);
        const m = this.module;
        return m.block(null, [
            m.br(failLabel, m.i32.ne(m.global.get(memoEpochGlobal(slot), i32), m.global.get(MEMO_EPOCH, i32))),
            m.local.set(target, m.global.get(memoValueGlobal(slot), i32)),
        ]);
    }
    set(slot, source) {
        this.checkSlot(slot);
        const m = this.module;
        return m.block(null, [
            m.global.set(memoValueGlobal(slot), m.local.get(source, i32)),
            m.global.set(memoEpochGlobal(slot), m.global.get(MEMO_EPOCH, i32)),
        ]);
    }
    /** Forgets every slot. When the epoch wraps around to 0 (after 2^32 evaluations) the slots are reset for real,
     * so that a slot last set 2^32 evaluations ago cannot look fresh. */
    beginEvaluation() {
        const m = this.module;
        if (this.slots === 0)
            return m.nop();
        const resetAll = [];
        for (let s = 0; s < this.slots; s++)
            resetAll.push(m.global.set(memoEpochGlobal(s), m.i32.const(0)));
        resetAll.push(m.global.set(MEMO_EPOCH, m.i32.const(1)));
        return m.block(null, [
            m.global.set(MEMO_EPOCH, m.i32.add(m.global.get(MEMO_EPOCH, i32), m.i32.const(1))),
            m.if(m.i32.eqz(m.global.get(MEMO_EPOCH, i32)), m.block(null, resetAll)),
        ]);
    }
    checkSlot(slot) {
        if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) {
            throw new Error(`emitter: memo slot ${slot} is outside the plan's ${this.slots} slots`);
        }
    }
}
//# sourceMappingURL=memo.js.map