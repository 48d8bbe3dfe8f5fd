#!/usr/bin/env bash
# Whether a capture stopped at once still holds its last packets: SYNs every 10 ms for 3 s to a
# closed port on lo, in a scratch namespace, captured by the runtime's tcpdump writing pcap with a
# 128-byte snapshot (as the packet trail does), SIGTERM right after the last SYN (or DELAY s later),
# then counted. Prints "<flags>: <n> of 300" per run. Root; leaves nothing (the namespace and its
# private /proc mount go with it). helpers/observe/captures.ts says what it showed.
#   Usage: scripts/capture-tail.sh [RUNS=3] [DELAY=0] [RUNTIME=trixie]
set -euo pipefail
runs=${1:-3}
delay=${2:-0}
root=/var/cache/anycast-verify/runtimes/${3:-trixie}/root
[ -x "$root/usr/bin/tcpdump" ] || { echo "no tcpdump in $root: build the runtime (scripts/setup.sh)" >&2; exit 2; }
ns=avscratch-capture-tail-$$
out=$(mktemp)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -f "$out"' EXIT
one() {
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" sh -c "mount -t proc proc $root/proc && exec chroot $root /usr/bin/tcpdump -i lo -nn -w - -s 128 $1 'tcp[tcpflags] & tcp-syn != 0'" >"$out" 2>/dev/null &
  local tp=$!
  sleep 0.7
  ip netns exec "$ns" node -e '
    const net = require("node:net");
    let n = 0;
    const t = setInterval(() => { net.connect(9, "127.0.0.1").on("error", () => {}); if (++n >= 300) clearInterval(t); }, 10);'
  sleep "$delay"
  kill -TERM "$tp"
  wait "$tp" 2>/dev/null || true
  echo "${1:-default (TPACKET_V3)}: $(ip netns exec "$ns" chroot "$root" /usr/bin/tcpdump -r - -nn <"$out" 2>/dev/null | wc -l) of 300"
  ip netns del "$ns"
}
for _ in $(seq 1 "$runs"); do
  one ""
  one "--immediate-mode"
done
