// A small Kubernetes REST client over HTTP with a bearer token: what kubelet, the scheduler and the controllers
// need (get, list, watch, create, patch, delete), and an informer that keeps a cache fresh with list + watch.

export interface KObj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    generateName?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    [k: string]: unknown;
  };
  // Kubernetes objects are open-ended; the kubelet reads spec/status fields it knows.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type PatchType = 'merge' | 'strategic' | 'json';
const PATCH_CT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObj;
}

export class KubeClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    readonly userAgent = 'kubelet/v1.28.0 (linux/amd64) harbor-connect-lab',
  ) {}

  async request<T = KObj>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: 'application/json',
        'User-Agent': this.userAgent,
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const status = json as { reason?: string; message?: string } | undefined;
      throw new KubeError(res.status, status?.reason ?? res.statusText, status?.message ?? (text.slice(0, 300) || res.statusText));
    }
    return json as T;
  }

  get(path: string): Promise<KObj> {
    return this.request('GET', path);
  }

  async getOrUndefined(path: string): Promise<KObj | undefined> {
    try {
      return await this.get(path);
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) return undefined;
      throw error;
    }
  }

  list(path: string, query: Record<string, string> = {}): Promise<{ items: KObj[]; metadata: { resourceVersion?: string } }> {
    const qs = new URLSearchParams(query).toString();
    return this.request('GET', qs ? `${path}?${qs}` : path);
  }

  create(path: string, body: unknown): Promise<KObj> {
    return this.request('POST', path, body);
  }

  patch(path: string, body: unknown, type: PatchType = 'merge'): Promise<KObj> {
    return this.request('PATCH', path, body, PATCH_CT[type]);
  }

  put(path: string, body: unknown): Promise<KObj> {
    return this.request('PUT', path, body);
  }

  async delete(path: string, options?: unknown): Promise<void> {
    try {
      await this.request('DELETE', path, options);
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) return;
      throw error;
    }
  }

  /** Streams watch events until the server ends the stream or `signal` aborts; resolves with the last resourceVersion. */
  async watch(path: string, query: Record<string, string>, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<string | undefined> {
    const qs = new URLSearchParams({ ...query, watch: 'true', allowWatchBookmarks: 'true' }).toString();
    const res = await fetch(new URL(`${path}?${qs}`, this.baseUrl), {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', 'User-Agent': this.userAgent },
      signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw new KubeError(res.status, res.statusText, text.slice(0, 300));
    }
    let rv = query.resourceVersion;
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number; reason?: string; message?: string };
          throw new KubeError(status.code ?? 500, status.reason ?? 'Error', status.message ?? 'watch error');
        }
        rv = event.object?.metadata?.resourceVersion ?? rv;
        onEvent(event);
      }
    }
    return rv;
  }
}

export function keyOf(obj: KObj): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** list + watch with relist on 410 Gone or errors; handlers see every change, the cache holds the latest objects. */
export class Informer {
  readonly cache = new Map<string, KObj>();
  private readonly abort = new AbortController();
  private synced!: Promise<void>;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly query: Record<string, string>,
    private readonly onChange: (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObj, old?: KObj) => void,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): Promise<void> {
    let resolveSynced!: () => void;
    this.synced = new Promise((r) => (resolveSynced = r));
    void this.run(resolveSynced);
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  list(): KObj[] {
    return [...this.cache.values()];
  }

  private async run(onSynced: () => void): Promise<void> {
    let delay = 200;
    while (!this.stopped) {
      try {
        const list = await this.client.list(this.path, this.query);
        const seen = new Set<string>();
        for (const item of list.items) {
          const key = keyOf(item);
          seen.add(key);
          const old = this.cache.get(key);
          this.cache.set(key, item);
          if (!old) this.onChange('ADDED', item);
          else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) this.onChange('MODIFIED', item, old);
        }
        for (const [key, old] of [...this.cache]) {
          if (!seen.has(key)) {
            this.cache.delete(key);
            this.onChange('DELETED', old);
          }
        }
        onSynced();
        let rv = list.metadata.resourceVersion;
        delay = 200;
        while (!this.stopped) {
          rv = await this.client.watch(this.path, { ...this.query, ...(rv ? { resourceVersion: rv } : {}), timeoutSeconds: '300' }, (e) => {
            if (e.type === 'BOOKMARK') return;
            const key = keyOf(e.object);
            const old = this.cache.get(key);
            if (e.type === 'DELETED') {
              this.cache.delete(key);
              this.onChange('DELETED', e.object, old);
            } else {
              this.cache.set(key, e.object);
              this.onChange(old ? 'MODIFIED' : 'ADDED', e.object, old);
            }
          }, this.abort.signal);
        }
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof KubeError && error.status === 410)) this.onError(error);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }
}

export function podPath(ns: string, name?: string, sub?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
}
