// One error type for every failed request: Kubernetes Status bodies, KubeSphere's plain-text errors,
// network failures, timeouts and cancellation all become an ApiError, and errorMessage() turns one
// into a translated sentence with the detail a user can act on.
import type { StatusCause } from 'kubernetes-types/meta/v1';
import { tr, type Translate } from '../i18n/t';
import { DEFAULT_EXTENSION_NAMESPACE } from '../domain/record';

export type ApiErrorKind =
  /** The server answered with an HTTP error (a Status body, JSON or plain text). */
  | 'http'
  /** No answer at all: DNS, connection refused, CORS, offline. */
  | 'network'
  /** No answer in time (the client's timer: code ECONNABORTED, as axios had it; ETIMEDOUT; TimeoutError). */
  | 'timeout'
  /** The caller aborted (query cancelled, page left). */
  | 'canceled';

export interface ApiErrorDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface ApiErrorInit {
  kind: ApiErrorKind;
  /** HTTP status; 0 when there was no response. */
  code?: number;
  /** Kubernetes StatusReason ('NotFound', 'Conflict', 'Invalid', ...) or one inferred from the code. */
  reason?: string;
  message?: string;
  details?: ApiErrorDetails;
  method?: string;
  /** The request path without its query string (queries may carry selectors, never secrets, but keep logs short). */
  path?: string;
  /** The timeout that expired, in ms. */
  timeoutMs?: number;
  cause?: unknown;
}

/** Reasons Kubernetes uses for each HTTP code when a server gives no Status (apimachinery NewGenericServerResponse). */
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly code: number;
  readonly reason: string;
  readonly details?: ApiErrorDetails;
  readonly method?: string;
  readonly path?: string;
  readonly timeoutMs?: number;

  constructor(init: ApiErrorInit) {
    super(init.message || init.reason || init.kind);
    this.kind = init.kind;
    this.code = init.code ?? 0;
    this.reason = init.reason || REASON_BY_CODE[this.code] || (this.code ? 'Unknown' : init.kind);
    this.details = init.details;
    this.method = init.method;
    this.path = init.path;
    this.timeoutMs = init.timeoutMs;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }

  /** An ApiError from an HTTP error response body: a Status object, JSON with a message, or text. */
  static fromResponse(
    code: number,
    body: unknown,
    request: { method?: string; path?: string } = {},
  ): ApiError {
    let data = body;
    if (typeof data === 'string') {
      const trimmed = data.trim();
      if (trimmed.startsWith('{')) {
        try {
          data = JSON.parse(trimmed);
        } catch {
          data = trimmed;
        }
      } else {
        data = trimmed;
      }
    }
    const base = { kind: 'http' as const, code, method: request.method, path: stripQuery(request.path) };
    // ks-apiserver's filters write a Go *StatusError as is: the Status arrives wrapped in "ErrStatus"
    // (pkg/apiserver/filters/multicluster.go: `cluster member-1 is not ready`, 503).
    if (data && typeof data === 'object' && typeof (data as { ErrStatus?: unknown }).ErrStatus === 'object') data = (data as { ErrStatus: unknown }).ErrStatus;
    if (data && typeof data === 'object') {
      const o = data as Record<string, unknown>;
      if (o.kind === 'Status' || typeof o.reason === 'string' || typeof o.message === 'string') {
        const statusCode = typeof o.code === 'number' && o.code > 0 ? o.code : code;
        return new ApiError({
          ...base,
          code: statusCode,
          reason: typeof o.reason === 'string' && o.reason ? o.reason : undefined,
          message: typeof o.message === 'string' ? o.message : undefined,
          details: (o.details as ApiErrorDetails | undefined) ?? undefined,
        });
      }
      return new ApiError({ ...base, message: truncate(JSON.stringify(o)) });
    }
    // KubeSphere answers many kapis errors with plain text, e.g. "registry auth failed with err: ...".
    return new ApiError({ ...base, message: typeof data === 'string' && data ? truncate(data) : undefined });
  }

  /** Any thrown value (the client's HttpError, fetch error, DOMException, ApiError) as an ApiError. */
  static from(err: unknown, request: { method?: string; path?: string; timeoutMs?: number } = {}): ApiError {
    if (err instanceof ApiError) return err;
    const e = err as {
      name?: string;
      code?: string;
      message?: string;
      response?: { status: number; data?: unknown };
      config?: { method?: string; url?: string; timeout?: number };
    };
    const method = (request.method || e?.config?.method || '').toUpperCase() || undefined;
    const path = stripQuery(request.path || e?.config?.url);
    if (e?.name === 'CanceledError' || e?.code === 'ERR_CANCELED' || e?.name === 'AbortError') {
      return new ApiError({ kind: 'canceled', method, path, message: 'canceled', cause: err });
    }
    if (e?.response && typeof e.response.status === 'number') {
      return ApiError.fromResponse(e.response.status, e.response.data, { method, path });
    }
    if (e?.code === 'ECONNABORTED' || e?.code === 'ETIMEDOUT' || e?.name === 'TimeoutError') {
      return new ApiError({
        kind: 'timeout',
        method,
        path,
        timeoutMs: request.timeoutMs ?? e?.config?.timeout,
        message: e?.message || 'timeout',
        cause: err,
      });
    }
    return new ApiError({ kind: 'network', method, path, message: e?.message || 'network error', cause: err });
  }
}

function stripQuery(path: string | undefined): string | undefined {
  if (!path) return path;
  const i = path.indexOf('?');
  return i < 0 ? path : path.slice(0, i);
}

function truncate(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const asApi = (err: unknown): ApiError | undefined => (err instanceof ApiError ? err : undefined);

/**
 * A create answered AlreadyExists by an object that is not what was planned (e.g. someone else's Secret of that
 * name): binding a ServiceAccount to it would hand that Secret's credential to the project's pods.
 */
export class NameTakenError extends Error {
  override readonly name = 'NameTakenError';
  constructor(readonly kind: string, readonly namespace: string | undefined, readonly objectName: string) {
    super(`${kind} ${namespace ? `${namespace}/` : ''}${objectName} already exists and is not the one planned`);
  }
}

/** 409 Conflict on a stale resourceVersion (not AlreadyExists, which is also 409). */
export const isConflict = (err: unknown): boolean => {
  const e = asApi(err);
  return !!e && e.code === 409 && e.reason !== 'AlreadyExists';
};
export const isAlreadyExists = (err: unknown): boolean => asApi(err)?.reason === 'AlreadyExists';
export const isNotFound = (err: unknown): boolean => asApi(err)?.code === 404;
export const isForbidden = (err: unknown): boolean => asApi(err)?.code === 403;
export const isUnauthorized = (err: unknown): boolean => asApi(err)?.code === 401;
export const isInvalid = (err: unknown): boolean => asApi(err)?.code === 422;
/** 410: a watch or list continue token is too old; relist. */
export const isGone = (err: unknown): boolean => asApi(err)?.code === 410;
export const isNetworkError = (err: unknown): boolean => asApi(err)?.kind === 'network';
export const isTimeout = (err: unknown): boolean => asApi(err)?.kind === 'timeout';
export const isCanceled = (err: unknown): boolean => asApi(err)?.kind === 'canceled';

/**
 * A JSON patch whose `test` op failed: the object changed since it was read.
 * kube-apiserver (endpoints/handlers/patch.go) answers a failed jsonpatch Apply with
 * NewGenericServerResponse(422, ...): reason Invalid, message "the server rejected our request due to an
 * error in our request", and the json-patch error as a cause: "testing value /x failed: test failed"
 * (evanphx/json-patch v4+; older: "Testing value /x failed") or "test operation does not apply: is missing path: /x".
 */
export const isTestOpFailure = (err: unknown): boolean => {
  const e = asApi(err);
  if (!e || e.code !== 422) return false;
  const texts = [e.message, ...(e.details?.causes ?? []).map((c) => c.message ?? '')];
  return texts.some((m) => /testing value \S* ?failed|test operation does not apply/i.test(m));
};

export interface ForbiddenDetail {
  user: string;
  verb: string;
  /** 'secrets' or 'pods/exec' */
  resource: string;
  /** '' for the core group */
  group: string;
  /** Absent at the cluster scope. */
  namespace?: string;
}

/**
 * Parses Kubernetes' RBAC denial, e.g.
 * `secrets is forbidden: User "alice" cannot create resource "secrets" in API group "" in the namespace "demo"`
 * (or `... at the cluster scope`). KubeSphere's authorizer uses the same wording.
 */
export function parseForbidden(message: string | undefined): ForbiddenDetail | undefined {
  if (!message) return undefined;
  const m =
    /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/.exec(
      message,
    );
  if (!m) return undefined;
  return { user: m[1], verb: m[2], resource: m[3], group: m[4], namespace: m[5] || undefined };
}

/** The causes of a 422 as "field: message" lines (field left out when the server gave none). */
export function invalidCauses(err: ApiError): string[] {
  return (err.details?.causes ?? [])
    .filter((c) => c.message || c.field)
    .map((c) => (c.field ? `${c.field}: ${c.message ?? c.reason ?? ''}`.trim() : (c.message ?? '')));
}


/**
 * A read the user's role does not allow, said once in the user's words with the role to ask for (the page then
 * shows it as a notice, the way the console treats a page the user may not open), or undefined when `err` is not
 * such a denial.
 */
export function accessDeniedText(err: unknown, t: Translate = tr): { title: string; body: string } | undefined {
  if (!isForbidden(err)) return undefined;
  const f = parseForbidden((err as ApiError).message);
  const title = t('HARBOR_CONNECT_NO_ACCESS_TITLE');
  if (!f) return { title, body: t('HARBOR_CONNECT_NO_ACCESS_OTHER') };
  // The extension's namespace holds the cluster-level records: a denial there is about the cluster, not a project.
  if (!f.namespace || f.namespace === DEFAULT_EXTENSION_NAMESPACE) return { title, body: t('HARBOR_CONNECT_NO_ACCESS_CLUSTER', { user: f.user }) };
  return { title, body: t('HARBOR_CONNECT_NO_ACCESS_PROJECT', { user: f.user, namespace: f.namespace }) };
}

/** A translated, specific message for any error (ApiError or not). */
export function errorMessage(err: unknown, t: Translate = tr): string {
  // A create that found someone else's object under the planned name (planExecutor, src/api/write.ts).
  if (err instanceof NameTakenError) {
    return t('HARBOR_CONNECT_ERR_NAME_TAKEN', { kind: err.kind, name: err.objectName, namespace: err.namespace ?? '' });
  }
  // A cancelled plan fails its unsent writes with an AbortError (src/domain/plan/apply.ts).
  if (!(err instanceof ApiError) && (err as { name?: string } | undefined)?.name === 'AbortError') return t('HARBOR_CONNECT_ERR_CANCELED');
  // The client throws only ApiErrors; anything else is a bug or a domain error: show its text.
  if (!(err instanceof ApiError)) {
    return t('HARBOR_CONNECT_ERR_UNKNOWN', { message: err instanceof Error ? err.message : String(err) });
  }
  const e = err;
  const name = e.details?.name ?? '';
  const kind = e.details?.kind ?? '';
  switch (e.kind) {
    case 'canceled':
      return t('HARBOR_CONNECT_ERR_CANCELED');
    case 'timeout':
      return t('HARBOR_CONNECT_ERR_TIMEOUT', { seconds: Math.round((e.timeoutMs ?? 30000) / 1000) });
    case 'network':
      return t('HARBOR_CONNECT_ERR_NETWORK');
    default:
      break;
  }
  if (isTestOpFailure(e)) return t('HARBOR_CONNECT_ERR_TEST_FAILED');
  if (e.code === 403) {
    const f = parseForbidden(e.message);
    if (f) {
      const resource = f.group ? `${f.resource}.${f.group}` : f.resource;
      return f.namespace
        ? t('HARBOR_CONNECT_ERR_FORBIDDEN_NAMESPACE', { user: f.user, verb: f.verb, resource, namespace: f.namespace })
        : t('HARBOR_CONNECT_ERR_FORBIDDEN_CLUSTER', { user: f.user, verb: f.verb, resource });
    }
    return t('HARBOR_CONNECT_ERR_FORBIDDEN', { message: e.message });
  }
  if (e.code === 422) {
    const causes = invalidCauses(e);
    return t('HARBOR_CONNECT_ERR_INVALID', { detail: causes.length ? causes.join('; ') : e.message });
  }
  if (e.reason === 'AlreadyExists') return t('HARBOR_CONNECT_ERR_ALREADY_EXISTS', { kind, name });
  if (e.code === 409) return t('HARBOR_CONNECT_ERR_CONFLICT', { kind, name });
  if (e.code === 404) {
    return name ? t('HARBOR_CONNECT_ERR_NOT_FOUND', { kind, name }) : t('HARBOR_CONNECT_ERR_NOT_FOUND_PATH', { path: e.path ?? '' });
  }
  if (e.code === 401) return t('HARBOR_CONNECT_ERR_UNAUTHORIZED');
  if (e.code === 410) return t('HARBOR_CONNECT_ERR_GONE');
  if (e.code === 429) return t('HARBOR_CONNECT_ERR_TOO_MANY_REQUESTS');
  if (e.code === 400) return t('HARBOR_CONNECT_ERR_BAD_REQUEST', { message: e.message });
  if (e.code >= 500) return t('HARBOR_CONNECT_ERR_SERVER', { code: e.code, message: e.message });
  return t('HARBOR_CONNECT_ERR_UNKNOWN', { message: e.message });
}

/** The promise's value, or undefined when the object does not exist (404); other errors pass through. */
export async function unlessNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * The cluster behind KubeSphere's multi-cluster proxy did not answer: ks-apiserver's "cluster … is not ready" (503,
 * pkg/apiserver/filters/multicluster.go), a gateway error (502/503/504), a dropped or timed-out request. A write
 * the cluster answered and refused (403, 409, 422) is not this.
 */
export function isClusterUnreachable(err: unknown): boolean {
  if (isNetworkError(err) || isTimeout(err)) return true;
  return err instanceof ApiError && (err.code === 502 || err.code === 503 || err.code === 504);
}
