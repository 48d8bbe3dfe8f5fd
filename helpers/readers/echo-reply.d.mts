/** Types of ./echo-reply.mjs (plain JavaScript, so the client scripts can import it). */

/** Who served a request to the echo service, and the client address:port as the server saw it. */
export interface EchoReply {
  cluster?: string;
  node?: string;
  pod?: string;
  hostname?: string;
  remoteIp?: string;
  remotePort?: number;
}

/** The reply's fields; a field the reply lacks is absent. Only the "Name:" line names the cluster. */
export function parseEchoReply(text: string): EchoReply;
