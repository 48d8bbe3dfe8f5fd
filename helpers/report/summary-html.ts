/**
 * index.html: the same run summary as a self-contained page (inline CSS, no scripts, no
 * network), readable at 1400 px and on a phone: real tables, status marks drawn with CSS
 * (no emoji font needed), links to each timeline, losses list, state dump, results.json and
 * junit.xml, and the failover timelines themselves.
 */
import { notRunAside, type Link, type RunSummary, type Status } from './run-summary.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const LABEL: Record<Status, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skip', unverified: 'not verified' };
const mark = (s: Status) => `<span class="st ${s}">${LABEL[s]}</span>`;
const a = (l: Link) => `<a href="${escapeHtml(encodeURI(l.href))}">${escapeHtml(l.text)}</a>`;
/** Markdown bold from the summary model (`**x**`) as HTML. */
const text = (s: string | undefined) => escapeHtml(s ?? '').replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1400px;padding:1em;color:#1b1f23}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.verdict{display:inline-block;padding:.1em .6em;border-radius:4px;color:#fff;font-weight:700}.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}
.meta{color:#57606a}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f6f8fa}
.st{display:inline-block;min-width:3.2em;text-align:center;border-radius:3px;font-size:.8em;font-weight:700;padding:.05em .3em}
.st.passed{background:#dafbe1;color:#1a7f37}.st.failed{background:#ffebe9;color:#cf222e}.st.skipped{background:#eaeef2;color:#57606a}.st.unverified{background:#fff8c5;color:#7d4e00}
.failure{border-left:4px solid #cf222e;background:#fff8f7;padding:.4em .8em;margin:.5em 0}.failure pre{white-space:pre-wrap;margin:.3em 0}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #d0d7de}
@media (max-width:700px){body{font-size:14px;padding:.5em}th,td{padding:.25em}}
`;

export function renderSummaryHtml(s: RunSummary, timelines: { title: string; href: string }[]): string {
  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>anycast-verify: ${s.verdict}</title>`,
    `<style>${CSS}</style></head><body>`,
  );
  out.push(
    `<h1>anycast-verify <span class="verdict ${s.verdict}">${s.verdict === 'pass' ? 'PASS' : 'FAIL'}</span></h1>`,
  );
  out.push(
    `<p><strong>${s.counts.passed} passed, ${s.counts.failed} failed</strong>${notRunAside(s.counts) ? `, ${notRunAside(s.counts)}` : ''} in ${s.wallSeconds.toFixed(0)} s</p>`,
  );
  if (s.lab) out.push(`<p class="meta">${escapeHtml(s.lab)}</p>`);
  out.push(`<p>${s.links.map(a).join(' · ')}</p>`);
  if (s.runErrors.length) {
    out.push('<h2>Errors outside the tests</h2><ul>');
    for (const e of s.runErrors) out.push(`<li class="failure">${escapeHtml(e)}</li>`);
    out.push('</ul>');
  }
  if (s.failures.length) {
    out.push('<h2>Failures</h2>');
    for (const f of s.failures)
      out.push(
        `<div class="failure"><strong>${escapeHtml(f.name)}</strong> <span class="meta">(${escapeHtml(f.file)})</span><pre>${escapeHtml(f.error)}</pre>${f.links.length ? `<div>${f.links.map(a).join(' · ')}</div>` : ''}</div>`,
      );
  }
  if (s.unverified.length) {
    out.push(
      '<h2 id="not-verified">Not verified</h2>',
      '<p>Evidence this run could not gather: not a pass, and not a fault of the network.</p><ul>',
    );
    for (const u of s.unverified)
      out.push(
        `<li>${mark('unverified')} <strong>${escapeHtml(u.name)}</strong> <span class="meta">(${escapeHtml(u.file)})</span>: ${escapeHtml(u.why)}</li>`,
      );
    out.push('</ul>');
  }
  if (s.projects.length)
    out.push(
      `<ul>${s.projects.map((p) => `<li>${mark(p.failed === 0 ? 'passed' : 'failed')} ${escapeHtml(p.name)} tests: ${p.passed} of ${p.total} passed${p.total - p.passed - p.failed ? ` (${p.total - p.passed - p.failed} not verified or skipped)` : ''}</li>`).join('')}</ul>`,
    );
  for (const suite of s.suites) {
    out.push(
      `<h2 id="${escapeHtml(suite.title)}">${escapeHtml(suite.title)}: ${suite.passed} of ${suite.total} passed</h2>`,
    );
    if (suite.faults?.length) {
      out.push(
        '<div class="table"><table><thead><tr><th></th><th>fault</th><th>control plane: fabric moved after</th><th>failed back after</th><th>data plane: downtime per client</th><th>lost requests</th><th>causes</th><th></th></tr></thead><tbody>',
      );
      for (const f of suite.faults) {
        out.push(
          `<tr><td>${mark(f.status)}</td><td>${text(f.fault)}</td><td>${text(f.moved)}<br><span class="meta">budget ${text(f.movedBudget)}</span></td><td>${text(f.back)}<br><span class="meta">budget ${text(f.backBudget)}</span></td><td>${text(f.downtime)}</td><td>${text(f.lost)}</td><td>${text(f.causes)}</td><td>${f.links.map(a).join('<br>')}</td></tr>`,
        );
      }
      out.push('</tbody></table></div>');
    }
    if (suite.rows.length) {
      const measured = suite.rows.some((r) => r.measured);
      out.push(
        `<div class="table"><table><thead><tr><th></th><th>claim</th>${measured ? '<th>measured</th>' : ''}</tr></thead><tbody>`,
      );
      for (const r of suite.rows)
        out.push(
          `<tr><td>${mark(r.status)}</td><td>${text(r.claim)}</td>${measured ? `<td>${text(r.measured)}${r.links?.length ? ` ${r.links.map(a).join(' ')}` : ''}</td>` : ''}</tr>`,
        );
      out.push('</tbody></table></div>');
    }
  }
  if (timelines.length) {
    out.push('<h2 id="timelines">Failover timelines and established connections</h2>');
    for (const t of timelines)
      out.push(
        `<figure><figcaption>${escapeHtml(t.title)}</figcaption><a href="${escapeHtml(encodeURI(t.href))}"><img src="${escapeHtml(encodeURI(t.href))}" alt="${escapeHtml(t.title)}" loading="lazy"></a></figure>`,
      );
  }
  out.push('</body></html>', '');
  return out.join('\n');
}
