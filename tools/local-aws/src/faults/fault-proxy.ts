import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { seededRandom } from '@etl/core';
import { faultResponse, type FaultService } from './service-errors.js';
import { mergeUnprocessed, withholdItems } from './unprocessed-items.js';
import { readBody, reply } from '../http-body.js';

export interface FaultOptions {
  /** Fraction of requests that fail, 0..1. */
  failRate: number;
  /** Same seed, same faults. */
  seed: number;
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests seen and faults injected so far, by kind. */
  readonly stats: { requests: number; errors: number; resets: number; unprocessed: number };
  stop(): Promise<void>;
}

/**
 * A proxy in front of one stand-in that fails a share of requests the way the real service does:
 * its retryable error responses, connection resets, and for DynamoDB BatchWriteItem, items handed
 * back as UnprocessedItems. Deterministic for a given seed and request order.
 */
export async function startFaultProxy(service: FaultService, upstream: string, options: FaultOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const target = new URL(upstream);
  const stats = { requests: 0, errors: 0, resets: 0, unprocessed: 0 };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) =>
      reply(res, 502, { 'content-type': 'text/plain' }, Buffer.from(`fault proxy: upstream failed: ${error.message}`)),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    stats.requests++;
    const body = await readBody(req);
    if (options.latencyMs) await delay(options.latencyMs);
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    if (random() < options.failRate) {
      const kind = random();
      if (service === 'dynamodb' && amzTarget.endsWith('.BatchWriteItem') && kind < 0.5) {
        const split = withholdItems(body.toString('utf8'), random);
        if (split) {
          stats.unprocessed++;
          const answer = await forward(req, Buffer.from(split.forward));
          return reply(res, answer.status, answer.headers, Buffer.from(mergeUnprocessed(answer.body.toString('utf8'), split.withheld)));
        }
      }
      if (kind > 0.85) {
        stats.resets++;
        req.socket.destroy();
        return;
      }
      stats.errors++;
      const fault = faultResponse(service, random);
      return reply(
        res,
        fault.status,
        { 'content-type': fault.contentType, 'x-amzn-requestid': 'fault-injection' },
        Buffer.from(fault.body),
      );
    }
    const answer = await forward(req, body);
    if (req.method === 'HEAD') return replyHead(res, answer.status, answer.headers);
    reply(res, answer.status, answer.headers, answer.body);
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (upstreamResponse) => {
          readBody(upstreamResponse).then((answer) => {
            const responseHeaders: Record<string, string | string[]> = {};
            // A HEAD answer's content-length is the object's size (its body is empty): kept; any other is the body's, set again.
            const keep = (key: string) => key !== 'transfer-encoding' && (key !== 'content-length' || req.method === 'HEAD');
            for (const [key, value] of Object.entries(upstreamResponse.headers))
              if (value !== undefined && keep(key)) responseHeaders[key] = value;
            resolve({ status: upstreamResponse.statusCode ?? 502, headers: responseHeaders, body: answer });
          }, reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A HEAD answer as the upstream gave it: its headers (content-length included) and no body. */
function replyHead(res: ServerResponse, status: number, headers: Record<string, string | string[]>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}
