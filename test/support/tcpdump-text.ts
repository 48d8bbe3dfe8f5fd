/**
 * Capture text as the lab's tools print it, for the evidence-chain tests: `tcpdump -v` lines
 * (tcpdump 4.99) for a SYN to the VIP, the ICMP error that quotes one, the VIP's reset and SYN-ACK,
 * and the request and answer segments.
 */
export const VIP = '172.30.0.10';

/** A SYN from `src`:`sport` to the VIP, seen on `dev` in direction `dir` ('In'/'Out'). */
export const SYN = (ts: string, dev: string, dir: string, ttl: number, id: number, src: string, sport: number) =>
  `${ts} ${dev}    ${dir.padEnd(3)} IP (tos 0x0, ttl ${ttl}, id ${id}, offset 0, flags [DF], proto TCP (6), length 60)\n    ${src}.${sport} > ${VIP}.80: Flags [S], cksum 0x14e4 (incorrect -> 0xa039), seq 1, win 64240, length 0`;
/** An ICMP error (`what`) from `from` to `to`, quoting the SYN from port `sport`. */
export const ICMP = (ts: string, dev: string, from: string, to: string, what: string, sport: number) =>
  `${ts} ${dev}    Out IP (tos 0xc0, ttl 64, id 48020, offset 0, flags [none], proto ICMP (1), length 88)\n    ${from} > ${to}: ICMP ${what}, length 68\n\tIP (tos 0x0, ttl 62, id 7, offset 0, flags [DF], proto TCP (6), length 60)\n    ${to}.${sport} > ${VIP}.80: Flags [S], cksum 0x14e4 (incorrect -> 0xa039), seq 1, win 64240, length 0`;
/** The VIP's reset to `to`:`dport`. */
export const RST = (ts: string, dev: string, to: string, dport: number) =>
  `${ts} ${dev}   Out IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP (6), length 40)\n    ${VIP}.80 > ${to}.${dport}: Flags [R], cksum 0x1 (correct), seq 9, win 0, length 0`;
/** The VIP's SYN-ACK to `to`:`dport`, seen on `dev` in direction `dir`. */
export const SYNACK = (ts: string, dev: string, dir: string, to: string, dport: number) =>
  `${ts} ${dev}    ${dir.padEnd(3)} IP (tos 0x0, ttl 61, id 0, offset 0, flags [DF], proto TCP (6), length 60)\n    ${VIP}.80 > ${to}.${dport}: Flags [S.], cksum 0x1 (correct), seq 5, ack 2, win 65160, length 0`;
/** The request segment from `from`:`sport` to the VIP, as `tcpdump -v -s 128` prints it (HTTP cut short); `id`: its IP id. */
export const REQUEST = (ts: string, dev: string, dir: string, from: string, sport: number, id = 31781) =>
  `${ts} ${dev}  ${dir.padEnd(3)} IP (tos 0x0, ttl 64, id ${id}, offset 0, flags [DF], proto TCP (6), length 218)\n    ${from}.${sport} > ${VIP}.80: Flags [P.], seq 1:167, ack 1, win 63, options [nop,nop,TS val 1 ecr 2], length 166: HTTP, length: 166\n\tGET / HTTP/1.1\n\thost: ${VIP} [|http]`;
/** The VIP's answer segment to `to`:`dport` (its first, with FIN when `fin`). */
export const ANSWER = (ts: string, dev: string, dir: string, to: string, dport: number, fin = false) =>
  `${ts} ${dev}  ${dir.padEnd(3)} IP (tos 0x0, ttl 61, id 50394, offset 0, flags [DF], proto TCP (6), length 571)\n    ${VIP}.80 > ${to}.${dport}: Flags [${fin ? 'FP.' : 'P.'}], seq 1:520, ack 167, win 64, options [nop,nop,TS val 3 ecr 1], length 519: HTTP, length: 519\n\tHTTP/1.1 200 OK [|http]`;
