/**
 * The graceful-restart overlay of an upgrade rehearsal (helpers/faults/upgrades.ts): what the
 * `graceful-restart` strategy adds to each router's files, in the rehearsal's own copy of them.
 */
/**
 * The graceful-restart overlay on a router's files, said in the report as an overlay, never as
 * the user's config: graceful restart with the forwarding state preserved on every session of
 * the default instance, zebra keeping its routes in the kernel when it stops (-r) and taking
 * them over when it starts again (-K, swept after the restart time), bgpd starting as a
 * restarting speaker (-K: the R-bit). Throws when the file has no `router bgp` line to extend.
 */
export function grOverlay(
  frrConf: string,
  daemons: string,
  restartSeconds = 120,
): { frrConf: string; daemons: string } {
  const lines = frrConf.split('\n');
  const at = lines.findIndex((l) => /^router bgp \d+\s*$/.test(l));
  if (at < 0) throw new Error('graceful-restart overlay: no "router bgp <asn>" line for the default instance');
  const gr = [' bgp graceful-restart', ' bgp graceful-restart preserve-fw-state'];
  lines.splice(at + 1, 0, ...gr.filter((g) => !lines.includes(g)));
  const withOption = (text: string, daemon: string, add: string) => {
    const re = new RegExp(`^${daemon}_options="([^"]*)"`, 'm');
    return re.test(text)
      ? text.replace(re, `${daemon}_options="$1 ${add}"`)
      : `${text.trimEnd()}\n${daemon}_options="${add}"\n`;
  };
  return {
    frrConf: lines.join('\n'),
    daemons: withOption(withOption(daemons, 'zebra', `-r -K ${restartSeconds}`), 'bgpd', '-K'),
  };
}
