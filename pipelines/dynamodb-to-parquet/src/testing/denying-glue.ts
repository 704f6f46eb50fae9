import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test helpers of this pipeline's specs (not part of the bundle: only specs import them). */

export interface DenyingGlue {
  /** Put in `AWS_ENDPOINT_URL_GLUE`: Glue as moto answers it, but while `deny` is on, writes are refused. */
  endpoint: string;
  /** Glue operations (`UpdateTable`, `BatchCreatePartition`, …) answered AccessDeniedException while on. */
  deny: Set<string>;
  stop(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A front to a real Glue (moto) that refuses the operations in `deny` as IAM would (400
 * AccessDeniedException, not retried by the SDK): a run's catalog step failing after its publish.
 */
export async function startDenyingGlue(upstream: string): Promise<DenyingGlue> {
  const target = new URL(upstream);
  const deny = new Set<string>();
  const server = createServer((req, res) => {
    void body(req).then((payload) => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSGlue\./, '');
      if (deny.has(operation)) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'denied' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: `not authorized to perform glue:${operation}` }));
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deny,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
