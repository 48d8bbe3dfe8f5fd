/** Types of client-ports.mjs (plain JavaScript so it runs in a client namespace and the real lab's sidecar). */
export interface PortRange {
  from: number;
  /** Exclusive. */
  to: number;
}
export const PROBE_PORTS: PortRange;
export const HELD_PORTS: PortRange;
export function parsePortRange(text: string): PortRange;
export function portRangeProblem(range: PortRange, ephemeral: PortRange, requests: number): string | undefined;
export function portAt(range: PortRange, first: number, i: number): number;
export function localCause(err: unknown): string | undefined;
export function portHolders(procNetTcp: string, port: number): string[];
export function readHolders(port: number): string[];
export function portsInUse(procNetTcp: string): Set<number>;
export function readPortsInUse(): Set<number>;
export function freeWindowStart(range: PortRange, busy: Set<number>, window: number, random?: () => number): number;
export function portTaker(range: PortRange, first: number, busy: Set<number>): () => number;
