/** The GitHub workflows as the workflow tests read them: the files, their parsed YAML, a step by name. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from './lab-copy.js';

export const WORKFLOWS_DIR = join(PROJECT_ROOT, '.github', 'workflows');
/** Every workflow file's name (`ci.yml`, …). */
export const workflowFiles = readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.yml'));

export type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
};
export type Job = {
  steps?: Step[];
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown> };
};
export type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };
export const workflow = (f: string) => parseYaml(readFileSync(join(WORKFLOWS_DIR, f), 'utf8')) as Workflow;
/** The index of the step of that name; throws naming the steps there are. */
export const stepIndex = (steps: Step[], name: string) => {
  const i = steps.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no step "${name}" (steps: ${steps.map((s) => s.name ?? s.uses).join(', ')})`);
  return i;
};
