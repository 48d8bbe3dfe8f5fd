/** scripts/fetch-schemas.sh downloads the upstream schemas of the pinned versions, or of the matrix leg's. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVersionsEnv } from '../../helpers/model/version-pins.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

describe("scripts/fetch-schemas.sh follows the leg's versions", () => {
  /** Runs a copy of the script with a stand-in curl that records each URL (nothing is downloaded). */
  function fetchSchemas(env: Record<string, string>): string[] {
    const root = mkdtempSync(join(tmpdir(), 'av-schemas-'));
    try {
      mkdirSync(join(root, 'scripts'));
      mkdirSync(join(root, 'bin'));
      copyFileSync(join(PROJECT_ROOT, 'scripts', 'fetch-schemas.sh'), join(root, 'scripts', 'fetch-schemas.sh'));
      copyFileSync(join(PROJECT_ROOT, 'versions.env'), join(root, 'versions.env'));
      writeFileSync(
        join(root, 'bin', 'curl'),
        // Records each URL and writes an empty file where -o says (the script hashes what it got).
        `#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift;; http*) echo "$1" >> "${root}/urls";; esac; shift; done\n: > "$out"\n`,
        { mode: 0o755 },
      );
      const base = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(CILIUM|CONTAINERLAB)_VERSION$/.test(k)),
      );
      execFileSync('bash', [join(root, 'scripts', 'fetch-schemas.sh')], {
        env: { ...base, ...env, PATH: `${join(root, 'bin')}:${process.env.PATH}` },
        stdio: 'pipe',
      });
      return readFileSync(join(root, 'urls'), 'utf8').trim().split('\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const pins = parseVersionsEnv(readFileSync(join(PROJECT_ROOT, 'versions.env'), 'utf8'));

  it('the pins by default', () => {
    const urls = fetchSchemas({});
    expect(urls.filter((u) => u.includes('cilium/cilium/'))).toHaveLength(5);
    for (const u of urls.filter((u) => u.includes('cilium/cilium/'))) expect(u).toContain(`/v${pins.CILIUM_VERSION}/`);
    expect(urls.find((u) => u.includes('containerlab'))).toContain(`/v${pins.CONTAINERLAB_VERSION}/`);
  });

  it("the environment's CILIUM_VERSION (a matrix leg) over the pin", () => {
    const urls = fetchSchemas({ CILIUM_VERSION: '1.19.8' });
    const cilium = urls.filter((u) => u.includes('cilium/cilium/'));
    expect(cilium).toHaveLength(5);
    for (const u of cilium) expect(u).toContain('/v1.19.8/');
  });
});
