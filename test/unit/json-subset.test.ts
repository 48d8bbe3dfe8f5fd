/**
 * The subset matcher behind one-off vtysh JSON claims (helpers/claims/json-subset.ts): the
 * expected JSON is a subset of the actual one, null means absent, lists match element-wise,
 * and every difference names its path, what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import { jsonSubsetProblems, vtyshJsonClaim } from '../../helpers/claims/json-subset.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';

const where = 'leaf1 show bgp ipv4 unicast 172.30.0.10/32 json';
/** FRR 10.3's shape of `show bgp ipv4 unicast <prefix> json` (bgpd/bgp_aspath.c aspath_make_str_count, bgp_route.c), cut to what matters here. */
const prefixJson = {
  prefix: '172.30.0.10/32',
  paths: [
    {
      aspath: {
        string: '64999 65002 65101',
        segments: [{ type: 'as-sequence', list: [64999, 65002, 65101] }],
        length: 3,
      },
      origin: 'IGP',
      valid: true,
      nexthops: [{ ip: '10.0.1.1', used: true }],
    },
  ],
};

describe('jsonSubsetProblems', () => {
  it('holds when the expected JSON is a subset of the actual, at any depth; other keys are not looked at', () => {
    expect(jsonSubsetProblems(prefixJson, { paths: [{ aspath: { length: 3 }, valid: true }] }, where)).toEqual([]);
    expect(jsonSubsetProblems(prefixJson, {}, where)).toEqual([]);
  });

  it('names the path of a differing value, with what was expected and what was found', () => {
    expect(jsonSubsetProblems(prefixJson, { paths: [{ aspath: { length: 2 } }] }, where)).toEqual([
      `${where}: paths[0].aspath.length: expected 2, got 3`,
    ]);
  });

  it('reports every difference, each on its own', () => {
    expect(
      jsonSubsetProblems(prefixJson, { prefix: '172.30.0.11/32', paths: [{ origin: 'EGP', valid: true }] }, where),
    ).toEqual([
      `${where}: prefix: expected "172.30.0.11/32", got "172.30.0.10/32"`,
      `${where}: paths[0].origin: expected "EGP", got "IGP"`,
    ]);
  });

  it('matches lists element by element: expected[i] against actual[i]; the actual may be longer, not shorter', () => {
    const actual = { list: [64999, 65002, 65101] };
    expect(jsonSubsetProblems(actual, { list: [64999, 65002] }, where)).toEqual([]);
    expect(jsonSubsetProblems(actual, { list: [65002, 64999] }, where)).toEqual([
      `${where}: list[0]: expected 65002, got 64999`,
      `${where}: list[1]: expected 64999, got 65002`,
    ]);
    expect(jsonSubsetProblems(actual, { list: [64999, 65002, 65101, 65001] }, where)).toEqual([
      `${where}: list[3]: expected 65001, got absent`,
    ]);
    expect(jsonSubsetProblems(prefixJson, { paths: [{ valid: true }, { valid: true }] }, where)).toEqual([
      `${where}: paths[1]: expected {"valid":true}, got absent`,
    ]);
  });

  it('reports an absent key with the value that was expected there', () => {
    expect(jsonSubsetProblems(prefixJson, { paths: [{ aspath: { length: 3 }, stale: true }] }, where)).toEqual([
      `${where}: paths[0].stale: expected true, got absent`,
    ]);
    expect(jsonSubsetProblems({}, { paths: [{ aspath: { length: 3 } }] }, where)).toEqual([
      `${where}: paths: expected [{"aspath":{"length":3}}], got absent`,
    ]);
  });

  it('takes null to mean "must be absent", for a key and for a list element', () => {
    expect(jsonSubsetProblems(prefixJson, { paths: [{ stale: null }] }, where)).toEqual([]);
    expect(jsonSubsetProblems(prefixJson, { paths: [{ valid: null }] }, where)).toEqual([
      `${where}: paths[0].valid: expected absent, got true`,
    ]);
    expect(jsonSubsetProblems({ x: null }, { x: null }, where)).toEqual([`${where}: x: expected absent, got null`]);
    expect(jsonSubsetProblems(prefixJson, { paths: [{}, null] }, where)).toEqual([]);
    expect(jsonSubsetProblems({ paths: [1, 2] }, { paths: [1, null] }, where)).toEqual([
      `${where}: paths[1]: expected absent, got 2`,
    ]);
  });

  it('compares types too: a number is not a string, an object is not a list', () => {
    expect(jsonSubsetProblems({ length: '3' }, { length: 3 }, where)).toEqual([
      `${where}: length: expected 3, got "3"`,
    ]);
    expect(jsonSubsetProblems({ valid: 1 }, { valid: true }, where)).toEqual([`${where}: valid: expected true, got 1`]);
    const [long] = jsonSubsetProblems(prefixJson, { paths: { aspath: {} } }, where);
    expect(long, 'a long value is cut to 80 characters').toBe(
      `${where}: paths: expected {"aspath":{}}, got ${JSON.stringify(prefixJson.paths).slice(0, 79)}…`,
    );
    expect(jsonSubsetProblems({ aspath: { length: 3 } }, { aspath: [3] }, where)).toEqual([
      `${where}: aspath: expected [3], got {"length":3}`,
    ]);
    expect(jsonSubsetProblems([1], { a: 1 }, where)).toEqual([`${where}: expected {"a":1}, got [1]`]);
  });

  it('writes a key that is not a plain name in brackets, as FRR keys prefixes and addresses', () => {
    const table = { routes: { '172.30.0.10/32': [{ valid: true }] }, '10.0.1.1': { bgpState: 'Established' } };
    expect(
      jsonSubsetProblems(
        table,
        { routes: { '172.30.0.10/32': [{ valid: false }] }, '10.0.1.1': { bgpState: 'Active' } },
        where,
      ),
    ).toEqual([
      `${where}: routes["172.30.0.10/32"][0].valid: expected false, got true`,
      `${where}: ["10.0.1.1"].bgpState: expected "Active", got "Established"`,
    ]);
  });
});

describe('vtyshJsonClaim', () => {
  it('asks the router for the command with `json` and names router and command in each problem', async () => {
    const asked: string[] = [];
    const lab = {
      vtysh: async (router: string, command: string) => (
        asked.push(`${router}: ${command}`),
        JSON.stringify(prefixJson)
      ),
    } as unknown as LabHandle;
    const claim = {
      router: 'leaf1',
      command: 'show bgp ipv4 unicast 172.30.0.10/32',
      expected: { paths: [{ aspath: { length: 3 } }] },
    };
    expect(await vtyshJsonClaim(lab, claim)).toEqual([]);
    expect(await vtyshJsonClaim(lab, { ...claim, expected: { paths: [{ aspath: { length: 4 } }] } })).toEqual([
      `${where}: paths[0].aspath.length: expected 4, got 3`,
    ]);
    expect(asked).toEqual([
      'leaf1: show bgp ipv4 unicast 172.30.0.10/32 json',
      'leaf1: show bgp ipv4 unicast 172.30.0.10/32 json',
    ]);
  });
});
