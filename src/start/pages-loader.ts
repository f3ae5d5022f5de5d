// The pages (dist/pages.js) are not in the file every console start downloads: the chart keeps them in ConfigMap
// harbor-connect-pages, and the first render of a page of ours GETs that ConfigMap through the console's API proxy
// (every signed-in user may: the chart's role template aggregates into KubeSphere's `authenticated` role) and
// evaluates it once. docs/architecture.md "Two files" says why and what it costs.
import type { PagesModule, PagesSource } from './load-pages';
import { PAGES_BUILD_KEY, PAGES_CODE_KEY, PAGES_PATH, PAGES_TIMEOUT_MS } from './pages-configmap';

export type PagesFailure =
  /** 401: the console session ended. */
  | { kind: 'signed-out' }
  /** 403: the user may not read the ConfigMap (the role template is not aggregated, or was removed). */
  | { kind: 'forbidden' }
  /** 404, or a ConfigMap without the code: the extension is not (completely) installed. */
  | { kind: 'missing' }
  /** The ConfigMap holds other pages than this start file was built with: an upgrade since the console loaded. */
  | { kind: 'stale' }
  /** No answer, a timeout, a 5xx or a body that is not the ConfigMap. */
  | { kind: 'unreachable'; detail: string }
  /** The code was ours but did not evaluate. */
  | { kind: 'broken'; detail: string };

export type PagesState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; pages: PagesModule }
  | { status: 'failed'; failure: PagesFailure };

export interface PagesLoader {
  state(): PagesState;
  /** Called after every change of state(); returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Starts the fetch when idle or failed (a retry); otherwise does nothing. Listeners hear of it asynchronously. */
  start(): void;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createPagesLoader(source: PagesSource, fetchPages: Fetch = (url, init) => fetch(url, init)): PagesLoader {
  let state: PagesState = 'linked' in source ? { status: 'ready', pages: source.linked } : { status: 'idle' };
  const listeners = new Set<() => void>();
  const set = (next: PagesState) => {
    state = next;
    for (const l of [...listeners]) l();
  };

  async function load(built: { build: string; evaluate(code: string): PagesModule }): Promise<PagesState> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PAGES_TIMEOUT_MS);
    let res: Response;
    let body: unknown;
    try {
      res = await fetchPages(PAGES_PATH, {
        credentials: 'same-origin',
        // The console toasts every failed request without this header; the stand-in shows its own error.
        headers: { Accept: 'application/json', 'x-ignore-error-notify': 'true' },
        signal: abort.signal,
      });
      body = res.ok ? await res.json() : undefined;
    } catch (e) {
      const detail = abort.signal.aborted ? `no answer in ${PAGES_TIMEOUT_MS / 1000} s` : messageOf(e);
      return { status: 'failed', failure: { kind: 'unreachable', detail } };
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 401) return { status: 'failed', failure: { kind: 'signed-out' } };
    if (res.status === 403) return { status: 'failed', failure: { kind: 'forbidden' } };
    if (res.status === 404) return { status: 'failed', failure: { kind: 'missing' } };
    if (!res.ok) return { status: 'failed', failure: { kind: 'unreachable', detail: `HTTP ${res.status}` } };
    const data = (body as { data?: Record<string, unknown> } | null)?.data;
    const code = data?.[PAGES_CODE_KEY];
    if (typeof code !== 'string') return { status: 'failed', failure: { kind: 'missing' } };
    if (data?.[PAGES_BUILD_KEY] !== built.build) return { status: 'failed', failure: { kind: 'stale' } };
    try {
      return { status: 'ready', pages: built.evaluate(code) };
    } catch (e) {
      return { status: 'failed', failure: { kind: 'broken', detail: messageOf(e) } };
    }
  }

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if ('linked' in source || (state.status !== 'idle' && state.status !== 'failed')) return;
      // Set without telling: start() may run while React renders; listeners hear on the next microtask.
      state = { status: 'loading' };
      void Promise.resolve().then(() => set(state));
      void load(source).then(set);
    },
  };
}
