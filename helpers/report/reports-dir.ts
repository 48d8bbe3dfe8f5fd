/**
 * The one folder a run's reports go to: junit.xml, results.json, summary.md, index.html,
 * lab.json, the failover timelines and the state dumps of failed tests, side by side, so the
 * links between them hold. `<project>/reports` by default (where vitest runs), whatever folder
 * the lab's files come from (ANYCAST_VERIFY_DIR); ANYCAST_VERIFY_REPORTS moves it.
 */
import { join, resolve } from 'node:path';

export function reportsDir(projectRoot: string): string {
  return resolve(process.env.ANYCAST_VERIFY_REPORTS ?? join(projectRoot, 'reports'));
}
