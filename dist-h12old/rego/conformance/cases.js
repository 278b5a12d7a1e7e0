// The compliance suite's YAML files: `DIR/v1/<suite>/<file>.yaml`, each with `cases:` (format in the suite's
// README). The suite of a case is the name of its directory.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
function unreadable(path, suite, e) {
    const message = `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`;
    return { suite, file: path, note: `${suite}/${basename(path)}`, query: '', modules: [], sortBindings: false, strictError: false, loadError: message };
}
function readCases(path, suite) {
    let doc;
    try {
        doc = YAML.parse(readFileSync(path, 'utf8'), { uniqueKeys: false });
    }
    catch (e) {
        return [unreadable(path, suite, e)];
    }
    if (doc?.cases !== undefined && !Array.isArray(doc.cases))
        return [unreadable(path, suite, new Error('`cases` is not a list'))];
    return (doc?.cases ?? []).map((raw, i) => {
        const c = raw;
        return {
            suite,
            file: path,
            note: typeof c.note === 'string' ? c.note : `${suite}/#${i}`,
            query: String(c.query ?? ''),
            modules: Array.isArray(c.modules) ? c.modules.map(String) : [],
            data: c.data,
            input: c.input,
            inputTerm: typeof c.input_term === 'string' ? c.input_term : undefined,
            wantResult: Array.isArray(c.want_result) ? c.want_result : undefined,
            sortBindings: c.sort_bindings === true,
            wantErrorCode: typeof c.want_error_code === 'string' ? c.want_error_code : undefined,
            wantError: typeof c.want_error === 'string' ? c.want_error : undefined,
            strictError: c.strict_error === true,
        };
    });
}
/** Every case under `dir/v1`, in file order; `suites` (directory names) narrows the set when not empty. */
export function loadCases(dir, suites = []) {
    const root = join(dir, 'v1');
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error(`${root} is not a directory: expected the compliance suite's v1 folder`);
    }
    const wanted = new Set(suites);
    const cases = [];
    for (const suite of readdirSync(root).sort()) {
        if (wanted.size > 0 && !wanted.has(suite))
            continue;
        const suiteDir = join(root, suite);
        if (!statSync(suiteDir).isDirectory())
            continue;
        for (const file of readdirSync(suiteDir).filter((f) => f.endsWith('.yaml')).sort()) {
            cases.push(...readCases(join(suiteDir, file), suite));
        }
    }
    return cases;
}
//# sourceMappingURL=cases.js.map