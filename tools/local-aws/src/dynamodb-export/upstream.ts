import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** DynamoDB's JSON protocol error, as the SDK reads it (`__type` after the `#`). */
export class DynamoDbError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The DynamoDB stand-in behind the front (dynalite or DynamoDB Local), reached over HTTP: requests of
 * clients are forwarded as they came; the front's own calls (scans, item reads) carry a well-formed
 * signature header, which neither stand-in verifies.
 */
export class Upstream {
  private readonly target: URL;

  constructor(endpoint: string) {
    this.target = new URL(endpoint);
  }

  forward(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<UpstreamAnswer> {
    return this.send(method, path, { ...headers, host: this.target.host, 'content-length': String(body.length) }, body);
  }

  /** Calls one operation; a DynamoDB error answer is thrown as `DynamoDbError`. */
  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    const body = Buffer.from(JSON.stringify(input));
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const answer = await this.send(
      'POST',
      '/',
      {
        host: this.target.host,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(body.length),
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'x-amz-date': amzDate,
        authorization: `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`,
      },
      body,
    );
    const json = answer.body.length ? (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>) : {};
    if (answer.status !== 200) {
      const type = String(json['__type'] ?? 'InternalServerError').replace(/^.*#/, '');
      throw new DynamoDbError(type, String(json['message'] ?? json['Message'] ?? `${operation} failed`), answer.status);
    }
    return json as T;
  }

  private send(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { host: this.target.hostname, port: this.target.port, method, path, headers },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => {
            const responseHeaders: Record<string, string | string[]> = {};
            for (const [key, value] of Object.entries(response.headers))
              if (value !== undefined && key !== 'content-length' && key !== 'transfer-encoding') responseHeaders[key] = value;
            resolve({ status: response.statusCode ?? 502, headers: responseHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });
  }
}
