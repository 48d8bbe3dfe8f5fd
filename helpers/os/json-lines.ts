/** Newline-delimited JSON over a stream socket: the scenario-lab pool's protocol (helpers/lab/lab-pool.ts). */
import type { Socket } from 'node:net';

/** Calls `onMessage` with each JSON object that arrives, one per line; a line that is not JSON is dropped. */
export function jsonLines(socket: Socket, onMessage: (msg: Record<string, unknown>) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const msg: unknown = JSON.parse(line);
        if (msg && typeof msg === 'object') onMessage(msg as Record<string, unknown>);
      } catch {
        // not ours: ignored
      }
    }
  });
}

/** Writes one message. */
export function sendLine(socket: Socket, msg: Record<string, unknown>): void {
  socket.write(`${JSON.stringify(msg)}\n`);
}
