/**
 * One-off claims over vtysh JSON, in the spirit of FRR topotests' `json_cmp`
 * (tests/topotests/lib/topotest.py): the expected JSON is a subset of the actual JSON.
 *   - an object matches when each key it names matches; keys it does not name are not looked at;
 *   - a list matches element by element: expected[i] against actual[i] (the actual may be longer);
 *   - null means "must be absent": the key (or list element) must not be there at all;
 *   - any other value must be equal, type included (3 is not "3").
 * Every difference is one problem naming its path, what was expected and what was found:
 *   `leaf1 show bgp ipv4 unicast 172.30.0.10/32 json: paths[0].aspath.length: expected 3, got 2`
 */
import { vtyshJson } from '../readers/frr.js';
import type { Check, Problem } from './claim-shape.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ABSENT = Symbol('absent');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a problem shows it: JSON (strings quoted, so a type mismatch shows), long ones cut. */
function show(v: unknown): string {
  if (v === ABSENT) return 'absent';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** `paths[0].aspath`, or `routes["172.30.0.10/32"]` where a key is not a plain name. */
const keyPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** The differences between `actual` and the subset `expected`, each prefixed with `where` (what was read, e.g. the router and command). */
export function jsonSubsetProblems(actual: unknown, expected: Json, where: string): Problem[] {
  const problems: Problem[] = [];
  const differ = (path: string, want: unknown, got: unknown) =>
    problems.push(
      `${where}: ${path ? `${path}: ` : ''}expected ${want === null ? 'absent' : show(want)}, got ${show(got)}`,
    );
  const walk = (got: unknown, want: Json, path: string): void => {
    if (want === null) {
      if (got !== ABSENT) differ(path, want, got);
    } else if (got === ABSENT) {
      differ(path, want, got);
    } else if (Array.isArray(want)) {
      if (!Array.isArray(got)) return void differ(path, want, got);
      want.forEach((w, i) => walk(i < got.length ? got[i] : ABSENT, w, `${path}[${i}]`));
    } else if (isObject(want)) {
      if (!isObject(got)) return void differ(path, want, got);
      for (const [key, w] of Object.entries(want))
        walk(Object.hasOwn(got, key) ? got[key] : ABSENT, w, keyPath(path, key));
    } else if (got !== want) {
      differ(path, want, got);
    }
  };
  walk(actual, expected, '');
  return problems;
}

/** A one-off claim: what `command` prints as JSON on `router` holds `expected` (a subset, as above). */
export interface VtyshJsonExpectation {
  router: string;
  /** A vtysh show command, without the trailing `json`. */
  command: string;
  expected: Json;
}

export const vtyshJsonClaim: Check<VtyshJsonExpectation> = async (lab, { router, command, expected }) =>
  jsonSubsetProblems(await vtyshJson(lab, router, command), expected, `${router} ${command} json`);
