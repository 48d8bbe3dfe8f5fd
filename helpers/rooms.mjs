// The rooms of helpers/, lowest first. A room imports only the rooms before it (ESLint enforces
// it: eslint.config.js), so every arrow points down. docs/architecture.md draws this list and a
// unit test keeps the folders, this list and the document in step.
export const ROOMS = [
  ['model', 'the lab model: files parsed, cross-checked and derived (pure; imports only itself)'],
  ['os', 'processes, waits, signals, progress lines and the run-state record'],
  ['runtimes', 'the Debian FRR + GoBGP runtimes: catalogue, build, run a tool from one, FRR’s own config check'],
  ['providers', 'the seam (api/: LabProvider, LabHandle, the fault catalogue) and its two implementations'],
  ['readers', 'live reads of a running lab: FRR JSON, kernel FIB, hash policy, status, HTTP'],
  [
    'claims',
    'what the suites assert on the live lab: each claim returns the problems found (sessions, VIP routes, intent, convergence)',
  ],
  ['lab', 'the lab’s lifecycle: claim, bring-up, reaper, teardown with its state dump, the scenario-lab pool'],
  ['traffic', 'what clients send: the probe, held connections, flows, ECMP path prediction'],
  ['observe', 'what the lab shows: route monitor (the one clock), packet trail, loss attribution'],
  ['faults', 'what a fault aims at and is allowed: target, budgets, allowed losses, rehash rules'],
  ['experiment', 'one fault run (runFault) with its observers, and the findings read from its timeline'],
  ['report', 'metrics, artefacts, results.json, summary, compare, matrix, pictures'],
  ['generate', 'generated labs of N clusters in the seed’s formats'],
  ['cli', 'the anycast-verify command'],
];
