/** One problem found in a policy, pinned to the text that caused it. */
export class RegoError extends Error {
    code;
    loc;
    constructor(code, message, loc) {
        super(message);
        this.code = code;
        this.loc = loc;
        this.name = 'RegoError';
    }
}
/** Several problems at once: stages report all they find, not just the first. */
export class RegoErrors extends Error {
    errors;
    constructor(errors) {
        super(errors.map((e) => `${e.loc.file}:${e.loc.row}:${e.loc.col}: ${e.code}: ${e.message}`).join('\n'));
        this.errors = errors;
        this.name = 'RegoErrors';
    }
}
/**
 * Prints errors the way a person wants to read them:
 *
 *   policies/x.rego:3:5: rego_unsafe_var_error: var y is unsafe
 *     allow if y > 1
 *              ^
 *
 * `sources` maps file names to their text; a file it does not know prints without the excerpt.
 */
export function formatErrors(errors, sources) {
    const out = [];
    for (const e of errors) {
        out.push(`${e.loc.file}:${e.loc.row}:${e.loc.col}: ${e.code}: ${e.message}`);
        const line = sources.get(e.loc.file)?.split('\n')[e.loc.row - 1];
        if (line !== undefined) {
            const shown = line.replace(/\t/g, ' ');
            out.push(`  ${shown}`);
            out.push(`  ${' '.repeat(Math.max(0, e.loc.col - 1))}^`);
        }
    }
    out.push(`${errors.length} error${errors.length === 1 ? '' : 's'} occurred`);
    return out.join('\n');
}
//# sourceMappingURL=errors.js.map