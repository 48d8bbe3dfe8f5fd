/**
 * The declared intent against the lab's files: the divergences `check` reports and the
 * intent suite asserts (helpers/model/intent.ts), with the lab's sessions as node pairs.
 */
import type { Problem } from './errors.js';
import { intentDivergences, intentFromModel, type SessionFacts } from './intent.js';
import type { LabModel } from './lab-model.js';
import { labSessions } from './lab-sessions.js';

const sessionPairs = (model: LabModel): SessionFacts[] =>
  labSessions(model).map((s) => ({
    nodes: [s.a.node, s.b.node],
    asns: [s.a.asn, s.b.asn],
    hold: s.holdSeconds,
    gracefulRestart: s.gracefulRestart?.restartTimeSeconds,
  }));

/** Divergences between the files and intent.yaml; none when the project declares no intent. */
export function intentProblems(model: LabModel): Problem[] {
  return model.intent ? intentDivergences(model, model.intent, sessionPairs(model)) : [];
}

/** The intent the files give today, as YAML (`anycast-verify intent --init`). */
export function initialIntent(model: LabModel): string {
  return intentFromModel(model, sessionPairs(model));
}
