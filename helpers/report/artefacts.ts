/**
 * The one writer of a test's artefacts (timelines, connection pictures, raw records): files
 * under a folder of the run's reports, each linked from the test's entry in results.json and
 * the summary. Objects are written as JSON, strings as they are.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerTask } from 'vitest';
import { recordArtefact } from './metrics.js';

export interface Artefact {
  name: string;
  content: string | object;
  /** Linked from the report (the pictures and the list of losses); raw records are only written. */
  linked?: boolean;
}

export function writeArtefacts(task: RunnerTask, reportsDir: string, folder: string, files: Artefact[]): void {
  mkdirSync(join(reportsDir, folder), { recursive: true });
  for (const f of files) {
    const text = typeof f.content === 'string' ? f.content : JSON.stringify(f.content, null, 1);
    writeFileSync(join(reportsDir, folder, f.name), text);
    if (f.linked) recordArtefact(task, `${folder}/${f.name}`);
  }
}
