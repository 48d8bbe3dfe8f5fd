/**
 * The mutation score (`npm run mutants`, the nightly): every edit of ./mutants.ts, applied to a
 * copy of the lab, must be caught by a named claim. First `check` (the model, FRR's own parser,
 * the upstream schemas, the intent); an edit `check` lets through then runs the fast suites
 * (smoke, sessions, intent, VIP routes) on a lab built from the copy, under its own name. The
 * claims that caught each edit, and the score, go to reports/mutants.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { checkWithTools } from '../../helpers/runtimes/tool-checks.js';
import { intentProblems } from '../../helpers/model/intent-problems.js';
import { formatProblem, LabConfigError } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { reportsDir } from '../../helpers/report/reports-dir.js';
import { labCopy, PROJECT_ROOT, type LabCopy } from '../support/lab-copy.js';
import { MUTANTS, type Mutant } from './mutants.js';

const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const FAST_SUITES = [
  'suites/0-smoke.test.ts',
  'suites/1-bgp-sessions.test.ts',
  'suites/2-intent.test.ts',
  'suites/2-vip-routes.test.ts',
];
const results: { mutant: Mutant; stage: 'check' | 'suites' | 'none'; claims: string[] }[] = [];

/** What `check` says of the copy: its rejections, or the intent's divergences. */
async function checkClaims(root: string): Promise<string[]> {
  try {
    const model = loadLabModel({ root });
    await checkWithTools(model);
    return intentProblems(model).map(formatProblem);
  } catch (err) {
    if (err instanceof LabConfigError) return err.problems.map(formatProblem);
    throw err;
  }
}

/** The fast suites on a lab built from the copy (its own lab name, its own reports): the claims that failed. */
async function suiteClaims(copy: LabCopy, i: number): Promise<string[]> {
  copy.edit('containerlab/anycast.clab.yml', /^name: .*$/m, `name: mut${i}`);
  const reports = join(copy.root, 'reports');
  await execa(process.execPath, [VITEST, 'run', '--project', 'lab', ...FAST_SUITES], {
    cwd: PROJECT_ROOT,
    reject: false,
    env: { ANYCAST_VERIFY_DIR: copy.root, ANYCAST_VERIFY_REPORTS: reports },
  });
  const r = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
    tests: { name: string; state: string }[];
  };
  return r.tests.filter((t) => t.state === 'failed').map((t) => t.name);
}

describe('every valid-but-broken edit is caught by a named claim', () => {
  MUTANTS.forEach((m, i) => {
    it(`${m.area}: ${m.name}`, async () => {
      const copy = labCopy();
      for (const e of m.edits) copy.edit(e.file, e.from, e.to);
      let claims = await checkClaims(copy.root);
      let stage: 'check' | 'suites' | 'none' = claims.length ? 'check' : 'none';
      if (!claims.length) {
        claims = await suiteClaims(copy, i);
        if (claims.length) stage = 'suites';
      }
      results.push({ mutant: m, stage, claims });
      expect(claims, 'the claims that catch it').not.toEqual([]);
    });
  });
});

afterAll(() => {
  const caught = results.filter((r) => r.stage !== 'none').length;
  const lines = [
    `# Mutation score: ${caught} of ${results.length} caught (${results.length ? Math.round((100 * caught) / results.length) : 0} %)`,
    '',
    '| edit | area | caught by | first claim |',
    '|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.mutant.name} | ${r.mutant.area} | ${r.stage === 'none' ? '**nothing**' : r.stage} | ${(r.claims[0] ?? '').replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  const dir = reportsDir(PROJECT_ROOT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mutants.md'), lines.join('\n'));
});
