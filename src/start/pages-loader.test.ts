import { describe, expect, it, vi } from 'vitest';
import type { PagesModule } from './load-pages';
import { PAGES_PATH } from './pages-configmap';
import { createPagesLoader, type PagesState } from './pages-loader';

const BUILD = 'a'.repeat(64);
const fakePages = { marker: 'pages' } as unknown as PagesModule;

function configMap(data: Record<string, string>): Response {
  return new Response(JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', data }), { status: 200, headers: { 'Content-Type': 'application/json' } });
}
const status = (code: number) => new Response(JSON.stringify({ kind: 'Status', code }), { status: code });

function built(evaluate: (code: string) => PagesModule = () => fakePages) {
  return { build: BUILD, evaluate: vi.fn(evaluate) };
}

/** Starts the loader and resolves with the state it settles in. */
async function settle(loader: ReturnType<typeof createPagesLoader>): Promise<PagesState> {
  loader.start();
  await vi.waitFor(() => expect(['ready', 'failed']).toContain(loader.state().status));
  return loader.state();
}

describe('createPagesLoader', () => {
  it('fetches the ConfigMap once, checks its build, evaluates the code once', async () => {
    const source = built();
    const fetchPages = vi.fn(async () => configMap({ build: BUILD, 'pages.js': 'return function(){}' }));
    const loader = createPagesLoader(source, fetchPages);
    expect(loader.state()).toEqual({ status: 'idle' });
    const heard = vi.fn();
    loader.subscribe(heard);
    loader.start();
    loader.start();
    expect(loader.state()).toEqual({ status: 'loading' });
    expect(await settle(loader)).toEqual({ status: 'ready', pages: fakePages });
    loader.start();
    expect(fetchPages).toHaveBeenCalledTimes(1);
    const [url, init] = fetchPages.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(PAGES_PATH);
    expect(url).toBe('/api/v1/namespaces/extension-harbor-connect/configmaps/harbor-connect-pages');
    expect(init).toMatchObject({ credentials: 'same-origin', headers: { Accept: 'application/json', 'x-ignore-error-notify': 'true' } });
    expect(source.evaluate).toHaveBeenCalledTimes(1);
    expect(source.evaluate).toHaveBeenCalledWith('return function(){}');
    expect(heard).toHaveBeenCalled();
  });

  it('is ready at once with linked pages (tests, the type checker) and never fetches', () => {
    const fetchPages = vi.fn();
    const loader = createPagesLoader({ linked: fakePages }, fetchPages);
    loader.start();
    expect(loader.state()).toEqual({ status: 'ready', pages: fakePages });
    expect(fetchPages).not.toHaveBeenCalled();
  });

  it.each([
    [401, 'signed-out'],
    [403, 'forbidden'],
    [404, 'missing'],
  ] as const)('answers %i as %s, without evaluating anything', async (code, kind) => {
    const source = built();
    const loader = createPagesLoader(source, async () => status(code));
    expect(await settle(loader)).toEqual({ status: 'failed', failure: { kind } });
    expect(source.evaluate).not.toHaveBeenCalled();
  });

  it('refuses pages of another build (an upgrade since the console loaded): nothing is evaluated', async () => {
    const source = built();
    const loader = createPagesLoader(source, async () => configMap({ build: 'b'.repeat(64), 'pages.js': 'return function(){}' }));
    expect(await settle(loader)).toEqual({ status: 'failed', failure: { kind: 'stale' } });
    expect(source.evaluate).not.toHaveBeenCalled();
  });

  it('calls a ConfigMap without the code missing', async () => {
    const loader = createPagesLoader(built(), async () => configMap({ build: BUILD }));
    expect(await settle(loader)).toEqual({ status: 'failed', failure: { kind: 'missing' } });
  });

  it('reports a cluster that does not answer, a 5xx and a body that is not JSON as unreachable, with the detail', async () => {
    expect(await settle(createPagesLoader(built(), async () => Promise.reject(new TypeError('Failed to fetch'))))).toEqual({
      status: 'failed',
      failure: { kind: 'unreachable', detail: 'Failed to fetch' },
    });
    expect(await settle(createPagesLoader(built(), async () => status(503)))).toEqual({ status: 'failed', failure: { kind: 'unreachable', detail: 'HTTP 503' } });
    const html = createPagesLoader(built(), async () => new Response('<html>', { status: 200 }));
    expect((await settle(html)).status).toBe('failed');
    expect(html.state()).toMatchObject({ failure: { kind: 'unreachable' } });
  });

  it('gives up on a request that never answers after PAGES_TIMEOUT_MS', async () => {
    vi.useFakeTimers();
    try {
      const fetchPages = vi.fn((_url: string, init: RequestInit) => new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))));
      const loader = createPagesLoader(built(), fetchPages);
      loader.start();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(loader.state()).toEqual({ status: 'failed', failure: { kind: 'unreachable', detail: 'no answer in 60 s' } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports code that throws as broken, with its message', async () => {
    const loader = createPagesLoader(
      built(() => {
        throw new SyntaxError('Unexpected token');
      }),
      async () => configMap({ build: BUILD, 'pages.js': 'return {' }),
    );
    expect(await settle(loader)).toEqual({ status: 'failed', failure: { kind: 'broken', detail: 'Unexpected token' } });
  });

  it('tries again after a failure, and then succeeds', async () => {
    const answers = [status(503), configMap({ build: BUILD, 'pages.js': 'x' })];
    const fetchPages = vi.fn(async () => answers.shift()!);
    const loader = createPagesLoader(built(), fetchPages);
    expect((await settle(loader)).status).toBe('failed');
    expect(await settle(loader)).toEqual({ status: 'ready', pages: fakePages });
    expect(fetchPages).toHaveBeenCalledTimes(2);
  });
});
