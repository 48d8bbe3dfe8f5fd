/** Types of http-reply.mjs (plain JavaScript so it runs in a client namespace and the real lab's sidecar). */
export interface Reply {
  /** The status code, 0 when there is no status line. */
  status: number;
  /** The body, decoded as UTF-8. */
  body: string;
  /** Characters of the (latin1) input the reply took. */
  length: number;
}
export function takeReply(buf: string): Reply | undefined;
export function getRequest(host: string, port: number, headers?: Record<string, string>): string;
/** How one GET ended: with a whole reply, or with the error that ended its socket first. */
export type GetOutcome = { reply: Reply; error?: undefined } | { reply?: undefined; error: NodeJS.ErrnoException };
export function getOnce(
  opts: { host: string; port: number; sport: number; timeout: number; request: string },
  done: (outcome: GetOutcome) => void,
): void;
