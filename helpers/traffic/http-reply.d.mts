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
