/** Writes a generated lab into a folder, then the intent its files give (loading it on the way: a generated lab must load). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initialIntent } from '../model/intent-problems.js';
import { loadLabModel } from '../model/lab-model.js';
import { generateLab, type GenerateOptions } from './generate-lab.js';

/** Returns how many files it wrote. */
export function writeGeneratedLab(o: GenerateOptions, projectRoot: string, out: string): number {
  const files = generateLab(o, projectRoot);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  writeFileSync(join(out, 'intent.yaml'), initialIntent(loadLabModel({ root: out })));
  return files.size + 1;
}
