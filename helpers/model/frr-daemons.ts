/**
 * Reads FRR's `daemons` file: which daemons run per router and with which options. The
 * official FRR image's watchfrr does the same; zebra and staticd always run there, so
 * they always run here too.
 */
import { readTextFile, type ProblemList } from './errors.js';

export interface FrrDaemons {
  file: string;
  /** Daemons to start, zebra first (the others connect to it). */
  enabled: string[];
  /** Extra command-line options per daemon (`bgpd_options="..."`). */
  options: Record<string, string[]>;
  /** Line of each daemon's `NAME=yes|no`, for messages. */
  lines: Record<string, number>;
  /** `frr_profile="traditional|datacenter"`: the daemons' -F (frrcommon.sh), unless frr.conf says `frr defaults`. */
  profile?: { name: string; line: number };
}

const ALWAYS = ['zebra', 'staticd'];
const KNOWN = [
  'zebra',
  'staticd',
  'bgpd',
  'ospfd',
  'ospf6d',
  'ripd',
  'ripngd',
  'isisd',
  'pimd',
  'pim6d',
  'ldpd',
  'nhrpd',
  'eigrpd',
  'babeld',
  'sharpd',
  'pbrd',
  'bfdd',
  'fabricd',
  'vrrpd',
  'pathd',
  'mgmtd',
];

export function parseDaemons(file: string, shownAs: string, problems: ProblemList): FrrDaemons | undefined {
  const text = readTextFile(file, shownAs, problems);
  if (text === undefined) return undefined;
  const enabled = [...ALWAYS];
  const options: Record<string, string[]> = {};
  const lines: Record<string, number> = {};
  let profile: FrrDaemons['profile'];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(t);
    if (!m) {
      problems.add({ file: shownAs, field: t, line: i + 1, message: 'expected NAME=value' });
      return;
    }
    const [, key, value] = m as unknown as [string, string, string];
    const unquoted = value.replace(/^"(.*)"$/, '$1').trim();
    if (key === 'frr_profile') profile = { name: unquoted, line: i + 1 };
    else if (key.endsWith('_options')) {
      options[key.slice(0, -'_options'.length)] = unquoted === '' ? [] : unquoted.split(/\s+/);
    } else if (KNOWN.includes(key)) {
      lines[key] = i + 1;
      if (unquoted !== 'yes' && unquoted !== 'no')
        problems.add({ file: shownAs, field: key, line: i + 1, message: `expected yes or no, got "${unquoted}"` });
      if (unquoted === 'yes' && !enabled.includes(key)) enabled.push(key);
    }
  });
  return { file: shownAs, enabled, options, lines, ...(profile ? { profile } : {}) };
}
