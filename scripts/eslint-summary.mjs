// ESLint formatter for scripts/test.sh: one line per problem, then the counts, so that
// the test log shows what was checked even when nothing is wrong.
export default function format(results) {
  const lines = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    for (const m of r.messages) {
      if (m.severity === 2) errors++; else warnings++;
      lines.push(`${r.filePath}:${m.line || 0}:${m.column || 0}: ${m.severity === 2 ? 'error' : 'warning'} ${m.message} (${m.ruleId || 'parse'})`);
    }
  }
  lines.push(`eslint: ${results.length} files checked, ${errors} errors, ${warnings} warnings`);
  return lines.join('\n');
}
