// The one HTTP client: axios, same-origin relative paths, JSON, 30 s default timeout,
// cancellation through the caller's AbortSignal, every failure as an ApiError.
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
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

/** Created on first use so that registering the extension does nothing but define objects. */
let instance: AxiosInstance | undefined;

export function http(): AxiosInstance {
  if (!instance) {
    instance = axios.create({
      headers: { ...BASE_HEADERS },
      timeout: DEFAULT_TIMEOUT_MS,
      // Same-origin only: the console server adds the bearer token from the session cookie.
      withCredentials: false,
      // Keep bodies as the server sent them: a text error stays text, JSON is parsed below.
      responseType: 'json',
      transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: false },
    });
  }
  return instance;
}

/** For tests: replace the transport (axios adapter) of the shared instance. */
export function setAdapter(adapter: AxiosRequestConfig['adapter']): void {
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
