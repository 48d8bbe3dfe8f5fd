/**
 * summary.md: the run summary as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY and for
 * reading in a terminal. Short by design (about a screen for the seed lab); every metric is in
 * results.json.
 */
import { notRunAside, type ClaimRow, type Link, type RunSummary, type Status } from './run-summary.js';

const MARK: Record<Status, string> = { passed: '✅', failed: '❌', skipped: '➖', unverified: '⚠️' };

/** A table cell: pipes escaped, newlines folded. */
function cell(s: string | undefined): string {
  return (s ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

const link = (l: Link) => `[${l.text}](${l.href})`;

export function renderSummaryMarkdown(s: RunSummary): string {
  const out: string[] = [];
  out.push(`# anycast-verify: ${s.verdict === 'pass' ? '✅ PASS' : '❌ FAIL'}`, '');
  out.push(
    `**${s.counts.passed} passed, ${s.counts.failed} failed**${notRunAside(s.counts) ? `, ${notRunAside(s.counts)}` : ''} in ${s.wallSeconds.toFixed(0)} s${s.lab ? `  \n${s.lab}` : ''}`,
    '',
  );
  if (s.runErrors.length) {
    out.push('## Errors outside the tests', '');
    for (const e of s.runErrors) out.push(`- ❌ ${e}`);
    out.push('');
  }
  if (s.failures.length) {
    out.push('## Failures', '');
    for (const f of s.failures) {
      out.push(`- ❌ **${f.name}** (\`${f.file}\`)`);
      if (f.error) out.push(`  ${f.error}`);
      if (f.links.length) out.push(`  ${f.links.map(link).join(' · ')}`);
    }
    out.push('');
  }
  if (s.unverified.length) {
    out.push(
      '## Not verified',
      '',
      'Evidence this run could not gather: not a pass, and not a fault of the network.',
      '',
    );
    for (const u of s.unverified) out.push(`- ${MARK.unverified} **${u.name}** (\`${u.file}\`): ${u.why}`);
    out.push('');
  }
  for (const p of s.projects)
    out.push(
      `- ${p.failed === 0 ? MARK.passed : MARK.failed} ${p.name} tests: ${p.passed} of ${p.total} passed${p.total - p.passed - p.failed ? ` (${p.total - p.passed - p.failed} not verified or skipped)` : ''}`,
    );
  if (s.projects.length) out.push('');
  for (const suite of s.suites) {
    out.push(`## ${suite.title}: ${suite.passed} of ${suite.total} passed`, '');
    if (suite.faults?.length) {
      out.push(
        '| | fault | control plane: fabric moved after | failed back after | data plane: downtime per client | lost requests | causes | |',
        '|---|---|---|---|---|---|---|---|',
      );
      for (const f of suite.faults) {
        out.push(
          `| ${MARK[f.status]} | ${cell(f.fault)} | ${cell(f.moved)} (budget ${cell(f.movedBudget)}) | ${cell(f.back)} (budget ${cell(f.backBudget)}) | ${cell(f.downtime)} | ${cell(f.lost)} | ${cell(f.causes)} | ${f.links.map(link).join(' ')} |`,
        );
      }
      out.push('');
    }
    const rows = suite.rows;
    if (rows.length) {
      const measured = rows.some((r) => r.measured);
      out.push(measured ? '| | claim | measured |' : '| | claim |', measured ? '|---|---|---|' : '|---|---|');
      for (const r of rows) out.push(row(r, measured));
      out.push('');
    }
  }
  out.push(s.links.map(link).join(' · '), '');
  return out.join('\n');
}

function row(r: ClaimRow, measured: boolean): string {
  const pictures = r.links?.length ? ` ${r.links.map(link).join(' ')}` : '';
  return `| ${MARK[r.status]} | ${cell(r.claim)} |${measured ? ` ${cell(r.measured)}${pictures} |` : ''}`;
}
