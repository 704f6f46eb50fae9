import { once } from 'node:events';
import type { Stream } from 'node:stream';
import { pipeline } from 'node:stream/promises';

type PipelineStreams = ReadonlyArray<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream>;

/**
 * `stream/promises.pipeline`, except that on failure it also waits until every stream has closed.
 * Node's pipeline rejects as soon as it has *started* destroying the streams; a sink's cleanup
 * (aborting a multipart upload, removing a temp file) runs in `_destroy` and may not be done yet.
 * Callers that record failure, exit, or retry right after must not race that cleanup.
 */
export async function settledPipeline(streams: PipelineStreams, options: { signal?: AbortSignal } = {}): Promise<void> {
  try {
    await pipeline(streams, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    await Promise.all(
      (streams as readonly unknown[])
        .filter(isStream)
        .map((stream) => (isClosed(stream) ? undefined : once(stream, 'close').catch(() => undefined))),
    );
    throw error;
  }
}

function isStream(value: unknown): value is Stream {
  return typeof value === 'object' && value !== null && typeof (value as Stream).once === 'function' && 'destroy' in value;
}

function isClosed(stream: Stream): boolean {
  const s = stream as {
    closed?: boolean;
    destroyed?: boolean;
    _readableState?: { closeEmitted?: boolean };
    _writableState?: { closeEmitted?: boolean };
  };
  if (s.closed === true) return true;
  // Streams created with emitClose: false never emit 'close'; do not wait for them forever.
  const state = s._writableState ?? s._readableState;
  return state?.closeEmitted === true || (s.destroyed === true && (state as { emitClose?: boolean } | undefined)?.emitClose === false);
}
