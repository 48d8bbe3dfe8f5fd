/** The client scripts' hand-written HTTP: the request they send, and one reply read off a socket. */
import { describe, expect, it } from 'vitest';
import { getRequest, takeReply } from '../../helpers/traffic/http-reply.mjs';

/** A string as the socket delivers it with setEncoding('latin1'): one character a byte. */
const wire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('takeReply', () => {
  it('a Content-Length reply: status, body decoded as UTF-8, length in characters of the wire', () => {
    const body = 'Name: cluster=zürich\r\n';
    const text = wire(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(takeReply(text)).toEqual({ status: 200, body, length: text.length });
    expect(takeReply(text.slice(0, -1))).toBeUndefined();
  });

  it('a chunked reply, and whatever follows it left for the next', () => {
    const text =
      'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n';
    expect(takeReply(`${text}HTTP/1.1`)).toEqual({ status: 503, body: 'abcde', length: text.length });
    expect(takeReply(text.slice(0, -3))).toBeUndefined();
  });

  it('no header end yet, or no status line: incomplete, or status 0', () => {
    expect(takeReply('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n')).toBeUndefined();
    expect(takeReply('garbage\r\n\r\n')?.status).toBe(0);
  });
});

describe('getRequest', () => {
  it('writes Host as node:http does: the port only when it is not 80', () => {
    expect(getRequest('172.30.0.10', 80, { Connection: 'close' })).toBe(
      'GET / HTTP/1.1\r\nHost: 172.30.0.10\r\nConnection: close\r\n\r\n',
    );
    expect(getRequest('172.30.0.10', 8080)).toBe('GET / HTTP/1.1\r\nHost: 172.30.0.10:8080\r\n\r\n');
  });
});
