import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sends a whole response once (a client that went away, or a response already started, is left alone). */
export function reply(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/** A request's whole body (the stand-ins' requests are small JSON or XML documents). */
export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
