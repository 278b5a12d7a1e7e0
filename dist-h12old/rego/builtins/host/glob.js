// glob.quote_meta. glob.match itself is native (rego/runtime/builtins/glob.ts): the host only escapes the
// characters that gobwas/glob's syntax gives a meaning to.
import { str } from './args.js';
function quoteMeta(pattern) {
    return str(pattern, 1).replace(/[*?\\[\]{}]/g, '\\$&');
}
export const globBuiltins = {
    'glob.quote_meta': quoteMeta,
};
//# sourceMappingURL=glob.js.map