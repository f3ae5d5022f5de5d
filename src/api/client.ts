// The one HTTP client: fetch, same-origin relative paths, JSON, 30 s default timeout (an AbortController),
// cancellation through the caller's AbortSignal, every failure as an ApiError.
//
// It keeps the small part of axios' instance API that src/api, the tests, the benches and the lab tests use
// (defaults.baseURL / headers.common / timeout / adapter, interceptors, request(config) -> { data, status }), and
// its error shapes (`response.status` + `response.data`, code ECONNABORTED on a timeout, name CanceledError on an
// abort), which ApiError.from (./errors.ts) maps: axios was 58 KB of the bundle for this.
import { ApiError } from './errors';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Headers every request carries; the watch (fetch) uses the same. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  Accept: 'application/json',
  // The console toasts every failed request unless this header is present; the extension shows its own errors.
  'x-ignore-error-notify': 'true',
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** From TanStack Query's queryFn context, or any AbortController. */
  signal?: AbortSignal;
  /** Per-call timeout in ms (default 30 s). 0 disables it. */
  timeout?: number;
  body?: unknown;
  /** Content-Type for the body; JSON by default. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface HttpRequestConfig {
  /** Lower case, as axios gives it to adapters. */
  method?: string;
  /** Absolute path (same-origin), or a URL relative to defaults.baseURL. */
  url?: string;
  baseURL?: string;
  /** The body: a string is sent as is, anything else as JSON. Adapters see the serialised string. */
  data?: unknown;
  headers?: Record<string, string>;
  /** ms; 0 disables. Default: defaults.timeout. */
  timeout?: number;
  signal?: AbortSignal;
  /** 'json' (default): a JSON body is parsed, any other text is kept as text. 'text': always the raw text. */
  responseType?: 'json' | 'text';
  /** Which statuses resolve; the rest reject with { response }. Default 2xx. */
  validateStatus?: (status: number) => boolean;
}

export interface HttpResponse<T = unknown> {
  data: T;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  config: HttpRequestConfig;
}

/** The transport: the real one is fetch; tests give their own. */
export type HttpAdapter = (config: HttpRequestConfig) => Promise<HttpResponse>;

/** An error as the adapter throws it: `response` when the server answered, `code` / `name` otherwise. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly config: HttpRequestConfig,
    readonly response?: { status: number; data: unknown; headers: Record<string, string> },
    name?: string,
  ) {
    super(message);
    this.name = name ?? 'HttpError';
  }
}

const defaultValidateStatus = (status: number) => status >= 200 && status < 300;

function parseBody(text: string, responseType: HttpRequestConfig['responseType']): unknown {
  if (responseType === 'text' || !text) return text;
  try {
    return JSON.parse(text);
  } catch {
    // A plain-text answer (KubeSphere's kapis errors) stays text.
    return text;
  }
}

/** fetch with the config's timeout and signal; rejects like axios does (see HttpError). */
export const fetchAdapter: HttpAdapter = async (config) => {
  const ac = new AbortController();
  let timedOut = false;
  const timeout = config.timeout ?? 0;
  const timer = timeout > 0 ? setTimeout(() => ((timedOut = true), ac.abort()), timeout) : undefined;
  const onAbort = () => ac.abort();
  const outer = config.signal;
  if (outer?.aborted) ac.abort();
  else outer?.addEventListener('abort', onAbort);
  const url = config.baseURL && !/^[a-z][a-z0-9+.-]*:/i.test(config.url ?? '') ? config.baseURL.replace(/\/$/, '') + (config.url ?? '') : (config.url ?? '');
  try {
    const res = await fetch(url, {
      method: (config.method ?? 'get').toUpperCase(),
      headers: config.headers,
      body: config.data === undefined ? undefined : (config.data as string),
      credentials: 'same-origin',
      signal: ac.signal,
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const response = { data: parseBody(text, config.responseType), status: res.status, statusText: res.statusText, headers, config };
    if (!(config.validateStatus ?? defaultValidateStatus)(res.status)) {
      throw new HttpError(`Request failed with status code ${res.status}`, 'ERR_BAD_RESPONSE', config, response);
    }
    return response;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (timedOut) throw new HttpError(`timeout of ${timeout}ms exceeded`, 'ECONNABORTED', config);
    if (ac.signal.aborted) throw new HttpError('canceled', 'ERR_CANCELED', config, undefined, 'CanceledError');
    throw new HttpError((e as Error)?.message || 'Network Error', 'ERR_NETWORK', config);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
};

type OnRequest = (config: HttpRequestConfig) => HttpRequestConfig | Promise<HttpRequestConfig>;
type OnFulfilled = (res: HttpResponse) => HttpResponse | Promise<HttpResponse>;
type OnRejected = (err: unknown) => unknown;

export interface HttpDefaults {
  baseURL?: string;
  headers: { common: Record<string, string> };
  /** ms, for requests that give none; request() always gives its own (default 30 s). */
  timeout: number;
  adapter: HttpAdapter;
}

export class HttpClient {
  readonly defaults: HttpDefaults = { headers: { common: {} }, timeout: DEFAULT_TIMEOUT_MS, adapter: fetchAdapter };
  private readonly onRequest: OnRequest[] = [];
  private readonly onResponse: Array<[OnFulfilled | undefined, OnRejected | undefined]> = [];
  readonly interceptors = {
    request: { use: (fn: OnRequest) => this.onRequest.push(fn) },
    response: { use: (ok?: OnFulfilled, fail?: OnRejected) => this.onResponse.push([ok, fail]) },
  };

  async request<T = unknown>(config: HttpRequestConfig): Promise<HttpResponse<T>> {
    let c: HttpRequestConfig = {
      ...config,
      method: (config.method ?? 'get').toLowerCase(),
      baseURL: config.baseURL ?? this.defaults.baseURL,
      timeout: config.timeout ?? this.defaults.timeout,
      headers: { ...BASE_HEADERS, ...this.defaults.headers.common, ...config.headers },
      data: config.data === undefined || typeof config.data === 'string' ? config.data : JSON.stringify(config.data),
    };
    for (const fn of this.onRequest) c = await fn(c);
    let p: Promise<HttpResponse> = this.defaults.adapter(c);
    for (const [ok, fail] of this.onResponse) p = p.then(ok, fail) as Promise<HttpResponse>;
    return p as Promise<HttpResponse<T>>;
  }
}

/** Created on first use so that registering the extension does nothing but define objects. */
let instance: HttpClient | undefined;

export function http(): HttpClient {
  if (!instance) instance = new HttpClient();
  return instance;
}

/** For tests: replace the transport of the shared instance. */
export function setAdapter(adapter: HttpAdapter): void {
  http().defaults.adapter = adapter;
}

/** Rejects absolute and protocol-relative URLs: cookies and tokens must never leave the console's origin. */
export function assertSameOrigin(path: string): void {
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw new Error(`request path must be same-origin and absolute-path: ${path.slice(0, 80)}`);
  }
}

/** Sends one request and returns the parsed body, or throws an ApiError. */
export async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
  assertSameOrigin(path);
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  try {
    const res = await http().request<T>({
      method,
      url: path,
      data: opts.body,
      signal: opts.signal,
      timeout,
      headers,
    });
    return res.data;
  } catch (err) {
    throw ApiError.from(err, { method, path, timeoutMs: timeout });
  }
}
