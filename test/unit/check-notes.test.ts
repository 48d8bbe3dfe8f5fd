/**
 * What `check` could not check is said, with the reason, on the "not checked:" channel:
 * never a silent skip. These run with no runtime (so no vtysh) and with schema folders made
 * up for the test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWithTools } from '../../helpers/runtimes/tool-checks.js';
import { LabConfigError } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { findSchemas, TOOL_SCHEMAS } from '../../helpers/model/schema-validate.js';
import { labCopy } from '../support/lab-copy.js';

const made: string[] = [];
const empty = () => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-verify-none-'));
  made.push(dir);
  return dir;
};

afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('check says what it did not check, and why', () => {
  it('ANYCAST_VERIFY_SCHEMAS naming a folder without the schemas: not validated (no silent fallback elsewhere)', async () => {
    const dir = empty();
    vi.stubEnv('ANYCAST_VERIFY_RUNTIMES', empty());
    vi.stubEnv('ANYCAST_VERIFY_SCHEMAS', dir);
    const notes = await checkWithTools(loadLabModel({ root: labCopy().root }));
    expect(notes).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^topology and Cilium manifests not validated against the upstream schemas: ANYCAST_VERIFY_SCHEMAS=${dir} has no containerlab-clab\\.schema\\.json and no cilium/`,
        ),
      ),
    );
  });

  it("no schemas set by name: the lab folder's .schemas/, then the tool's; the note names every place looked in", async () => {
    vi.stubEnv('ANYCAST_VERIFY_RUNTIMES', empty());
    vi.stubEnv('ANYCAST_VERIFY_SCHEMAS', '');
    const c = labCopy();
    const notes = await checkWithTools(loadLabModel({ root: c.root }));
    const note = notes.find((n) => n.includes('upstream schemas'));
    if (existsSync(TOOL_SCHEMAS)) {
      // This host fetched them: a lab anywhere is validated against the tool's copy.
      expect(note).toBeUndefined();
      expect(findSchemas(c.root).dir).toBe(TOOL_SCHEMAS);
    } else {
      expect(note).toContain(`${resolve(c.root, '.schemas')} does not exist`);
      expect(note).toContain(`${TOOL_SCHEMAS} does not exist`);
      expect(note).toContain('scripts/fetch-schemas.sh');
    }
    expect(note ?? '').not.toContain('shared');
  });

  it('a rejection still says what was not checked', async () => {
    const dir = empty();
    writeFileSync(join(dir, 'containerlab-clab.schema.json'), JSON.stringify({ type: 'string' }));
    mkdirSync(join(dir, 'cilium'));
    vi.stubEnv('ANYCAST_VERIFY_RUNTIMES', empty());
    vi.stubEnv('ANYCAST_VERIFY_SCHEMAS', dir);
    const err = await checkWithTools(loadLabModel({ root: labCopy().root })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabConfigError);
    expect((err as LabConfigError).message).toMatch(
      /not checked: FRR configs not loaded in FRR \(vtysh --dryrun\): runtime "\w+" is not built/,
    );
  });
});
