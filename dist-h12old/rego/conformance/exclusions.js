// Cases the runner does not run, with the reason, read from the table in docs/conformance.md:
//
//   | excluded | reason |
//   | --- | --- |
//   | `graphql` | graphql.* builtins are not in taskgate's catalog |
//
// An entry names a suite (directory), a case note, or a note prefix followed by `*`.
const ROW = /^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$/;
/** The rows of the first table whose header starts with "excluded". */
export function parseExclusions(markdown) {
    const exclusions = [];
    let inTable = false;
    for (const line of markdown.split('\n')) {
        if (/^\|\s*excluded\s*\|/i.test(line)) {
            inTable = true;
            continue;
        }
        if (!inTable)
            continue;
        if (!line.startsWith('|'))
            break;
        const m = ROW.exec(line);
        if (m)
            exclusions.push({ pattern: m[1], reason: m[2] });
    }
    return exclusions;
}
export function findExclusion(c, exclusions) {
    return exclusions.find((e) => e.pattern === c.suite || e.pattern === c.note || (e.pattern.endsWith('*') && c.note.startsWith(e.pattern.slice(0, -1))));
}
//# sourceMappingURL=exclusions.js.map