// Internal (binaryen) names of what the emitter adds. The `tg:` prefix keeps them apart from the runtime's own
// names, which come from its name section or are plain indexes.
export const DATA_SEGMENT = 'tg:data';
/** Where the start function copied the data segment to; generated code addresses static bytes from it. */
export const DATA_BASE = 'tg:data_base';
export const START = 'tg:start';
export const RUN_ENTRYPOINT = 'tg:run_entrypoint';
export const BUILTINS_EXPORT = 'tg:builtins';
export const ENTRYPOINTS_EXPORT = 'tg:entrypoints';
export const BUILTINS_VALUE = 'tg:builtins_value';
export const ENTRYPOINTS_VALUE = 'tg:entrypoints_value';
export const MEMO_EPOCH = 'tg:memo_epoch';
export const PRINT_PART = 'tg:print_part';
export const CSTR_JOIN = 'tg:cstr_join';
export const JSON_UNQUOTE = 'tg:json_unquote';
export const constGlobal = (index) => `tg:const:${index}`;
export const memoValueGlobal = (slot) => `tg:memo:${slot}`;
/** Holds the epoch (evaluation number) in which the slot was last set; equal to MEMO_EPOCH means "set". */
export const memoEpochGlobal = (slot) => `tg:memo_set:${slot}`;
export const planFunction = (name) => `tg:func:${name}`;
//# sourceMappingURL=names.js.map