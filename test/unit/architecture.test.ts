/**
 * The folder tree is the architecture: every folder of helpers/ is a room in helpers/rooms.mjs
 * (which ESLint's layering rule reads), and docs/architecture.md lists the same rooms in the
 * same order. If one of them moves, this fails until the others follow.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOMS } from '../../helpers/rooms.mjs';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const helpers = join(PROJECT_ROOT, 'helpers');
const names = ROOMS.map(([room]: [string, string]) => room);

describe('the rooms of helpers/', () => {
  it('every folder is a room and every room a folder', () => {
    const folders = readdirSync(helpers).filter((f) => statSync(join(helpers, f)).isDirectory());
    expect(folders.sort()).toEqual([...names].sort());
  });

  it('docs/architecture.md lists the rooms in the order ESLint enforces', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z]+)\/` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual(names);
  });
});
