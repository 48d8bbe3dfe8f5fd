import { loadLabModel } from './helpers/model/lab-model.js';
import { NetnsProvider } from './helpers/providers/netns/netns-provider.js';
import { convergenceProblem } from './helpers/lab/convergence.js';
import { labSessions } from './helpers/lab/sessions.js';
import { grSettleProblem } from './helpers/faults/negotiated.js';
import { kernelNextHops } from './helpers/clients/frr.js';
const model = loadLabModel({ root: '.' });
const lab = await new NetnsProvider(model).attach();
const session = labSessions(model).find((s) => s.b.node === 'cluster01')!;
await lab.vtysh('leaf2', 'debug bgp neighbor-events');
await lab.vtysh('leaf2', 'debug bgp graceful-restart');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < Number(process.argv[2] ?? 4); i++) {
  for (;;) { if (!(await convergenceProblem(lab)) && !(await grSettleProblem(lab, session))) break; await sleep(100); }
  const t0 = Date.now();
  const f = await lab.injectFault('speaker-crash', 'cluster01');
  let moved: number | undefined;
  while (Date.now() - t0 < 2500) { const h = await kernelNextHops(lab, 'spine', '172.30.0.10'); if (h.length === 1) { moved = Date.now() - t0; break; } await sleep(20); }
  console.log(`attempt ${i}: ${moved === undefined ? 'kept (no move within 2.5 s)' : `MOVED after ${moved} ms`}`);
  await f.restore();
}
