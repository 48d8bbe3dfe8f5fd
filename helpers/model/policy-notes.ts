/**
 * What `check` (and the start of a test run) says about routing policy and BFD beside the
 * problems: warnings for valid configs that are almost certainly not meant (a policy that is
 * referenced but not defined, `ebgp-requires-policy` with no policy, BFD without bfdd), and
 * notes: every statement the derivations do not follow ("not derived: judged by intent.yaml
 * and the live lab"), what BFD towards a Cilium node means, and where policy shaped a derived
 * VIP route. One problem too: `neighbor X bfd strict` towards a node, whose session would never
 * come up.
 */
import type { Problem, ProblemList } from './errors.js';
import type { LabModel, RouterModel } from './lab-model.js';
import type { FrrNeighbor, NeighborRef } from './frr-config.js';
import { NOT_DERIVED } from './frr-statement.js';
import { expectedVipRoutes } from './expected-routes.js';
import { activated } from './route-propagation.js';

const neighbors = (r: RouterModel) => Object.values(r.frr.bgp?.neighbors ?? {});

/** The policy objects a neighbour names, with the kind of object and the table FRR looks it up in. */
function references(r: RouterModel, nb: FrrNeighbor): { ref: NeighborRef; what: string; defined: boolean }[] {
  const p = nb.ipv4;
  const { routeMaps, prefixLists, asPathLists } = r.frr.policy;
  const out: { ref: NeighborRef; what: string; defined: boolean }[] = [];
  for (const dir of ['In', 'Out'] as const) {
    const rm = p[`routeMap${dir}`];
    const pl = p[`prefixList${dir}`];
    const fl = p[`filterList${dir}`];
    if (rm) out.push({ ref: rm, what: `route-map ${rm.name}`, defined: !!routeMaps[rm.name]?.length });
    if (pl) out.push({ ref: pl, what: `prefix-list ${pl.name}`, defined: !!prefixLists[pl.name] });
    if (fl) out.push({ ref: fl, what: `as-path access-list ${fl.name}`, defined: !!asPathLists[fl.name] });
  }
  return out;
}

/** eBGP towards this neighbour (iBGP is not derived: a note says so). */
const isEbgp = (r: RouterModel, nb: FrrNeighbor) =>
  nb.remoteAsKind ? nb.remoteAsKind === 'external' : nb.remoteAs !== (nb.localAs?.asn ?? r.frr.bgp!.asn);

/** Valid policy and BFD configs that are almost certainly not meant. */
export function policyWarnings(model: LabModel): Problem[] {
  const out: Problem[] = [];
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp) continue;
    for (const nb of neighbors(r)) {
      for (const x of references(r, nb).filter((x) => !x.defined))
        out.push({
          file: r.frr.file,
          field: `neighbor ${nb.address}`,
          line: x.ref.line,
          message: `${x.what} is not defined in ${r.frr.file}: FRR denies every route it filters`,
        });
      if (bgp.ebgpRequiresPolicy && isEbgp(r, nb) && activated(bgp, nb)) {
        const none = (['In', 'Out'] as const).filter(
          (d) =>
            !['routeMap', 'prefixList', 'filterList', 'distributeList'].some(
              (k) => nb.ipv4[`${k}${d}` as 'routeMapIn'],
            ),
        );
        if (none.length)
          out.push({
            file: r.frr.file,
            field: `neighbor ${nb.address}`,
            line: bgp.ebgpRequiresPolicyLine ?? nb.line,
            message: `bgp ebgp-requires-policy (${bgp.ebgpRequiresPolicyLine ? 'set here' : `FRR's default under "frr defaults ${r.frr.profile}"`}) and no ${none.map((d) => d.toLowerCase()).join(' or ')}bound policy for ${nb.address}: FRR ${none.includes('In') ? 'accepts no route from it' : ''}${none.length === 2 ? ' and ' : ''}${none.includes('Out') ? 'sends it no route' : ''} (the derived routes follow that)`,
          });
      }
      if (nb.bfd && !r.daemons.enabled.includes('bfdd'))
        out.push({
          file: r.frr.file,
          field: `neighbor ${nb.address} bfd`,
          line: nb.bfd.line,
          message: `${r.daemons.file} does not start bfdd${r.daemons.lines.bfdd ? ` (line ${r.daemons.lines.bfdd})` : ''}: FRR keeps the BGP session but runs no BFD for it`,
        });
    }
  }
  return out;
}

/** BFD towards a Cilium node: open-source Cilium runs no BFD, so a strict session never comes up. */
export function bfdProblems(model: LabModel, problems: ProblemList): void {
  for (const r of Object.values(model.routers))
    for (const nb of neighbors(r).filter((n) => n.bfd?.strict && nodeAt(model, n.address)))
      problems.add({
        file: r.frr.file,
        field: `neighbor ${nb.address} bfd strict`,
        line: nb.bfd!.line,
        message: `${nodeAt(model, nb.address)} is a Kubernetes node, and open-source Cilium runs no BFD: with "bfd strict" FRR waits for a BFD session that never comes up, so the BGP session never does (bgpd/bgp_bfd.c, frr-10.5.1; frr-10.3 has no "bfd strict")`,
      });
}

const nodeAt = (model: LabModel, ip: string) => Object.values(model.k8sNodes).find((n) => n.ip === ip)?.name;

/** Notes: what is not derived, what BFD towards a node means, and where policy shaped a derived route. */
export function policyNotes(model: LabModel): Problem[] {
  const out: Problem[] = [];
  for (const r of Object.values(model.routers)) {
    out.push(...r.frr.notes);
    for (const nb of neighbors(r)) {
      const node = nodeAt(model, nb.address);
      if (nb.bfd && node && !nb.bfd.strict)
        out.push({
          file: r.frr.file,
          field: `neighbor ${nb.address} bfd`,
          line: nb.bfd.line,
          message: `${node} is a Kubernetes node, and open-source Cilium runs no BFD: this BFD session never comes up (FRR keeps the BGP session), so a node failure is still detected by the BGP hold time (at most ${nb.timers?.hold ?? r.frr.bgp!.timers.hold} s, what this end offers), which is what the fault budgets assume`,
        });
      if (r.frr.bgp && !isEbgp(r, nb))
        out.push({
          file: r.frr.file,
          field: `neighbor ${nb.address} remote-as`,
          line: nb.remoteAsLine ?? nb.line,
          message: `${NOT_DERIVED} (iBGP: the derived routes follow eBGP's rules)`,
        });
    }
  }
  for (const e of expectedVipRoutes(model).filter((x) => x.policy))
    out.push({ file: model.routers[e.router]!.frr.file, field: `derived ${e.vip}`, message: e.policy! });
  return out;
}
