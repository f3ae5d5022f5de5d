// Streamed watches. The client (./client.ts) reads whole bodies, so watches use fetch() with a
// ReadableStream reader, the same headers, and credentials 'same-origin'. The body is newline-delimited
// JSON watch events ({"type":"ADDED","object":{...}}).
import { BASE_HEADERS, assertSameOrigin } from './client';
import { ApiError } from './errors';
import type { KObject, WatchEvent } from './models';
import { sleep } from '../domain/async';

export interface WatchStreamOptions<T> {
  signal?: AbortSignal;
  onEvent: (event: WatchEvent<T>) => void;
}

/** Splits a byte stream into lines, tolerating chunks that cut a line (or a UTF-8 sequence) in half. */
export async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) yield line;
      }
    }
    buffer += decoder.decode();
    if (buffer.trim()) yield buffer.trim();
  } finally {
    reader.releaseLock();
  }
}

/**
 * Opens one watch request and delivers its events until the server closes the stream.
 * Resolves with the last resourceVersion seen (to resume from), rejects with an ApiError on an HTTP
 * error or an ERROR event (410 Expired: the caller must relist), resolves quietly when aborted.
 */
export async function watchStream<T extends KObject>(
  url: string,
  opts: WatchStreamOptions<T>,
): Promise<string | undefined> {
  assertSameOrigin(url);
  let lastRV: string | undefined;
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', headers: { ...BASE_HEADERS }, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) return lastRV;
    throw ApiError.from(err, { method: 'GET', path: url });
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw ApiError.fromResponse(res.status, text, { method: 'GET', path: url });
  }
  if (!res.body) throw new ApiError({ kind: 'network', method: 'GET', path: url, message: 'watch response has no body' });
  try {
    for await (const line of ndjsonLines(res.body)) {
      let event: WatchEvent<T>;
      try {
        event = JSON.parse(line) as WatchEvent<T>;
      } catch {
        throw new ApiError({ kind: 'http', code: 500, method: 'GET', path: url, message: 'malformed watch event' });
      }
      if (event.type === 'ERROR') {
        const status = event.object as unknown as { code?: number };
        throw ApiError.fromResponse(status?.code || 500, event.object, { method: 'GET', path: url });
      }
      const rv = event.object?.metadata?.resourceVersion;
      if (rv) lastRV = rv;
      if (event.type !== 'BOOKMARK') opts.onEvent(event);
    }
  } catch (err) {
    if (opts.signal?.aborted) return lastRV;
    throw err instanceof ApiError ? err : ApiError.from(err, { method: 'GET', path: url });
  }
  return lastRV;
}

export interface WatchLoopOptions<T> extends WatchStreamOptions<T> {
  /** Start after this version (from the list the caller showed). */
  resourceVersion?: string;
  /** Called when the version is too old (410): relist, then return the new list's resourceVersion. */
  onExpired?: () => Promise<string | undefined>;
  /** Pause between reconnects, ms. */
  reconnectDelayMs?: number;
}

/**
 * Watches until aborted: reconnects from the last resourceVersion whenever the server ends the stream
 * (its timeoutSeconds), and relists through onExpired on 410. Other errors end the watch (rejected).
 * buildUrl gets the resourceVersion to resume from.
 */
export async function watchLoop<T extends KObject>(
  buildUrl: (resourceVersion: string | undefined) => string,
  opts: WatchLoopOptions<T>,
): Promise<void> {
  let rv = opts.resourceVersion;
  const delay = opts.reconnectDelayMs ?? 1000;
  while (!opts.signal?.aborted) {
    try {
      rv = (await watchStream<T>(buildUrl(rv), opts)) ?? rv;
    } catch (err) {
      if (err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone') && opts.onExpired) {
        rv = await opts.onExpired();
        continue;
      }
      throw err;
    }
    if (opts.signal?.aborted) break;
    await sleep(delay, opts.signal);
  }
}

