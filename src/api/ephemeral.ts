// Objects that must not outlive the page that created them (probe ReverseProxies, pull-test pods and Secrets).
// Each is registered while it exists; when the page goes away (tab closed, reload, navigation away from the
// console: the `pagehide` event) a keepalive DELETE is sent for each, which the browser completes after the page
// is gone. What still escapes (a crash, a lost connection) is found by label and removed on the next visit.
import { assertSameOrigin, BASE_HEADERS } from './client';

interface Entry {
  path: string;
  /** DeleteOptions (e.g. a uid precondition), sent as the DELETE's body. */
  body?: unknown;
}

const live = new Map<number, Entry>();
let next = 0;
let installed = false;

function install(): void {
  if (installed || typeof window === 'undefined' || typeof window.addEventListener !== 'function') return;
  installed = true;
  window.addEventListener('pagehide', () => void flushOnPageHide());
}

/** Registers an object path to delete if the page goes away; the returned function unregisters it. */
export function deleteOnPageHide(path: string, body?: unknown): () => void {
  assertSameOrigin(path);
  install();
  const id = ++next;
  live.set(id, { path, body });
  return () => void live.delete(id);
}

/** Sends the keepalive DELETEs now (what `pagehide` runs). Returns how many were sent. */
export function flushOnPageHide(): number {
  const entries = [...live.values()];
  live.clear();
  for (const e of entries) {
    try {
      const headers: Record<string, string> = { ...BASE_HEADERS };
      if (e.body !== undefined) headers['Content-Type'] = 'application/json';
      void fetch(e.path, {
        method: 'DELETE',
        keepalive: true,
        credentials: 'same-origin',
        headers,
        body: e.body === undefined ? undefined : JSON.stringify(e.body),
      }).catch(() => undefined);
    } catch {
      // fetch itself refused (page already torn down): the next visit's clean-up removes it.
    }
  }
  return entries.length;
}

/** How many objects are registered (tests). */
export function pendingPageHideDeletes(): number {
  return live.size;
}
