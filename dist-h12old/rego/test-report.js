// Test reports in the two formats `opa test` prints, so that people and tools used to opa read ours unchanged.
import { fullName } from './test-runner.js';
const RULE = '-'.repeat(80);
/**
 * `opa test` pretty output: the tests that did not pass (all of them with `verbose`), grouped under their file,
 * then a line and the counts.
 */
export function prettyReport(results, verbose) {
    const lines = [];
    let lastFile;
    for (const r of results) {
        if (r.outcome === 'PASS' && !verbose)
            continue;
        if (r.location.file !== lastFile) {
            lastFile = r.location.file;
            lines.push(`${lastFile}:`);
        }
        lines.push(resultLine(r));
        if (r.error)
            lines.push(`  ${r.error.message}`);
    }
    if (lines.length > 0)
        lines.push(RULE);
    lines.push(...summaryLines(results));
    return lines.join('\n') + '\n';
}
function resultLine(r) {
    if (r.outcome === 'SKIPPED')
        return `${fullName(r)}: SKIPPED`;
    return `${fullName(r)}: ${r.outcome} (${goDuration(r.durationNs)})`;
}
/** `PASS: 3/4`, `FAIL: 1/4`, ... (only the outcomes that occurred). */
export function summaryLines(results) {
    const total = results.length;
    const lines = [];
    for (const outcome of ['PASS', 'FAIL', 'SKIPPED', 'ERROR']) {
        const n = results.filter((r) => r.outcome === outcome).length;
        if (n > 0)
            lines.push(`${outcome}: ${n}/${total}`);
    }
    return lines;
}
/** `opa test --format json`: one object per test, durations in nanoseconds. */
export function jsonReport(results) {
    const out = results.map((r) => ({
        location: { file: r.location.file, row: r.location.row, col: r.location.col },
        package: r.pkg,
        name: r.name,
        ...(r.outcome === 'FAIL' ? { fail: true } : {}),
        ...(r.outcome === 'SKIPPED' ? { skip: true } : {}),
        ...(r.error ? { error: r.error } : {}),
        duration: r.durationNs,
    }));
    return JSON.stringify(out, null, 2) + '\n';
}
const UNITS = [
    // [nanoseconds per unit, suffix, decimals kept]
    [1e9, 's', 9],
    [1e6, 'ms', 6],
    [1e3, 'µs', 3],
];
/** A duration printed as Go prints time.Duration (opa's output): `0s`, `850ns`, `12.5µs`, `1.417ms`, `2m3.5s`. */
export function goDuration(ns) {
    const n = Math.max(0, Math.round(ns));
    if (n === 0)
        return '0s';
    if (n < 1e3)
        return `${n}ns`;
    if (n >= 60e9)
        return minutesAndSeconds(n);
    for (const [unit, suffix, decimals] of UNITS) {
        if (n >= unit)
            return `${decimal(n, unit, decimals)}${suffix}`;
    }
    return `${n}ns`;
}
function decimal(n, unit, decimals) {
    const whole = Math.floor(n / unit);
    const frac = String(n % unit).padStart(decimals, '0').replace(/0+$/, '');
    return frac === '' ? String(whole) : `${whole}.${frac}`;
}
function minutesAndSeconds(n) {
    const hours = Math.floor(n / 3600e9);
    const minutes = Math.floor((n % 3600e9) / 60e9);
    const seconds = `${decimal(n % 60e9, 1e9, 9)}s`;
    return hours > 0 ? `${hours}h${minutes}m${seconds}` : `${minutes}m${seconds}`;
}
//# sourceMappingURL=test-report.js.map