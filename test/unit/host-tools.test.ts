/**
 * setup.sh installs (or finds) the package of every host program the netns provider runs, so
 * the README's two commands need nothing more; the lifecycle test test/process/host-tools.test.ts
 * proves the list is complete by bringing a lab up with PATH reduced to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_TOOLS } from '../../helpers/providers/netns/host-tools.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

describe('scripts/setup.sh and the host tools', () => {
  it("installs every host tool's package", () => {
    const setup = readFileSync(join(PROJECT_ROOT, 'scripts', 'setup.sh'), 'utf8');
    const packages = /^packages=\(([^)]*)\)/m.exec(setup)?.[1]?.split(/\s+/) ?? [];
    expect(packages).toContain('debootstrap');
    expect(HOST_TOOLS.map((t) => t.pkg).filter((p) => !packages.includes(p))).toEqual([]);
  });
});
