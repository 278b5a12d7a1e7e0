// Tallies per suite and overall, the printed summary and the JSON report. The pass rate counts the cases that
// ran: passed / (passed + failed + errored); skipped cases are listed with their reasons, never dropped.
function emptyTally() {
    return { passed: 0, failed: 0, errored: 0, skipped: 0 };
}
export function passRate(t) {
    const ran = t.passed + t.failed + t.errored;
    return ran === 0 ? 0 : t.passed / ran;
}
export function summarize(results) {
    const suites = {};
    const total = emptyTally();
    for (const r of results) {
        (suites[r.suite] ??= emptyTally())[r.status]++;
        total[r.status]++;
    }
    return { total: { ...total, cases: results.length, passRate: passRate(total) }, suites };
}
function percent(rate) {
    return `${(rate * 100).toFixed(1)}%`;
}
export function formatSummary(summary) {
    const lines = ['suite                                     passed  failed errored skipped'];
    for (const [suite, t] of Object.entries(summary.suites).sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`${suite.padEnd(40)} ${[t.passed, t.failed, t.errored, t.skipped].map((n) => String(n).padStart(7)).join(' ')}`);
    }
    const t = summary.total;
    lines.push(`total: ${t.cases} cases, ${t.passed} passed, ${t.failed} failed, ${t.errored} errored, ${t.skipped} skipped; ` +
        `pass rate ${percent(t.passRate)} of ${t.passed + t.failed + t.errored} run`);
    return lines.join('\n');
}
export function formatFailure(r) {
    const lines = [`${r.status.toUpperCase()} ${r.note}: ${r.message ?? ''}`];
    if (r.expected !== undefined)
        lines.push(`  expected: ${JSON.stringify(r.expected)}`);
    if (r.actual !== undefined)
        lines.push(`  actual:   ${JSON.stringify(r.actual)}`);
    return lines.join('\n');
}
//# sourceMappingURL=report.js.map