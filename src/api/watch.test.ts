import { afterEach, describe, expect, it, vi } from 'vitest';
import { clusterContext } from './cluster';
import { ApiError, isForbidden } from './errors';
import type { Secret, WatchEvent } from './models';
import { secrets } from './resources';
import { ndjsonLines, watchLoop, watchStream } from './watch';

const enc = new TextEncoder();

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? enc.encode(c) : c);
      controller.close();
    },
  });
}

const ev = (type: string, name: string, rv: string) => JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv } } }) + '\n';

afterEach(() => vi.unstubAllGlobals());

describe('ndjsonLines', () => {
  it('reassembles lines cut across chunks, including a split UTF-8 character', async () => {
    const bytes = enc.encode('{"a":"镜像"}\n{"b":2}\n');
    const chunks = [bytes.slice(0, 8), bytes.slice(8, 13), bytes.slice(13)];
    const lines: string[] = [];
    for await (const l of ndjsonLines(streamOf(chunks))) lines.push(l);
    expect(lines).toEqual(['{"a":"镜像"}', '{"b":2}']);
  });

  it('yields a last line without a newline and skips blank lines', async () => {
    const lines: string[] = [];
    for await (const l of ndjsonLines(streamOf(['\n{"a":1}\n\n', '{"b":2}']))) lines.push(l);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});

describe('watchStream', () => {
  it('delivers events with the API headers, and resolves with the last resourceVersion', async () => {
    const fetchMock = vi.fn(async () => new Response(streamOf([ev('ADDED', 'a', '10'), ev('MODIFIED', 'a', '11').slice(0, 20), ev('MODIFIED', 'a', '11').slice(20), ev('BOOKMARK', '', '15')])));
    vi.stubGlobal('fetch', fetchMock);
    const events: Array<WatchEvent<Secret>> = [];
    const rv = await watchStream<Secret>('/api/v1/secrets?watch=true', { onEvent: (e) => events.push(e) });
    expect(events.map((e) => `${e.type}:${e.object.metadata?.resourceVersion}`)).toEqual(['ADDED:10', 'MODIFIED:11']);
    expect(rv).toBe('15');
    const init = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init[1].credentials).toBe('same-origin');
    expect((init[1].headers as Record<string, string>)['x-ignore-error-notify']).toBe('true');
  });

  it('turns an HTTP error into ApiError', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'User "a" cannot watch resource "secrets" in API group "" at the cluster scope' }), { status: 403 }),
    );
    const err = await watchStream('/api/v1/secrets?watch=true', { onEvent: () => undefined }).catch((e) => e);
    expect(isForbidden(err)).toBe(true);
  });

  it('rejects on an ERROR event with its Status code', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(streamOf([JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n'])),
    );
    const err = await watchStream('/api/v1/secrets?watch=true', { onEvent: () => undefined }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(410);
  });

  it('refuses cross-origin URLs', async () => {
    await expect(watchStream('https://x/api', { onEvent: () => undefined })).rejects.toThrow(/same-origin/);
  });
});

describe('watch (resource client)', () => {
  it('resumes from the last resourceVersion, relists on 410, and stops when aborted', async () => {
    const ac = new AbortController();
    const urls: string[] = [];
    let call = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      call++;
      if (call === 1) return new Response(streamOf([ev('ADDED', 'a', '21')]));
      if (call === 2) return new Response(streamOf([JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }) + '\n']));
      ac.abort();
      return new Response(streamOf([]));
    });
    const onExpired = vi.fn(async () => '100');
    const events: string[] = [];
    await secrets.watch(clusterContext('m1', true), {
      namespace: 'demo',
      labelSelector: 'a=b',
      resourceVersion: '20',
      signal: ac.signal,
      onEvent: (e) => events.push(e.object.metadata?.name ?? ''),
      onExpired,
    });
    expect(events).toEqual(['a']);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(urls[0]).toBe('/clusters/m1/api/v1/namespaces/demo/secrets?watch=true&allowWatchBookmarks=true&labelSelector=a%3Db&resourceVersion=20&timeoutSeconds=300');
    expect(urls[1]).toContain('resourceVersion=21');
    expect(urls[2]).toContain('resourceVersion=100');
  });

  it('ends quietly when aborted mid-stream', async () => {
    const ac = new AbortController();
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(enc.encode(ev('ADDED', 'a', '1')));
          init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body);
    });
    const p = watchLoop((rv) => `/api/v1/pods?watch=true&resourceVersion=${rv ?? ''}`, {
      signal: ac.signal,
      onEvent: () => ac.abort(),
    });
    await expect(p).resolves.toBeUndefined();
  });
});
