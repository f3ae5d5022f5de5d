import { describe, expect, it } from 'vitest';
import {
  isClusterUnreachable,
  accessDeniedText,
  ApiError,
  errorMessage,
  invalidCauses,
  isAlreadyExists,
  isCanceled,
  isConflict,
  isForbidden,
  isInvalid,
  isNetworkError,
  isNotFound,
  isTestOpFailure,
  isTimeout,
  parseForbidden,
} from './errors';
import enErrors from '../../locales/en/errors.json';

// A t() with the console's single-brace interpolation, over the English table.
const t = (key: string, params?: Record<string, string | number>) => {
  const template = (enErrors as Record<string, string>)[key];
  if (!template) throw new Error(`missing locale key ${key}`);
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? `{${k}}`));
};

const status = (code: number, reason: string, message: string, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details,
  code,
});

describe('ApiError from Kubernetes Status bodies', () => {
  it('reads code, reason, message, details', () => {
    const e = ApiError.fromResponse(404, status(404, 'NotFound', 'secrets "pull" not found', { name: 'pull', kind: 'secrets' }), {
      method: 'GET',
      path: '/api/v1/namespaces/demo/secrets/pull?x=1',
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.kind).toBe('http');
    expect(e.code).toBe(404);
    expect(e.reason).toBe('NotFound');
    expect(e.details?.name).toBe('pull');
    expect(e.path).toBe('/api/v1/namespaces/demo/secrets/pull');
    expect(isNotFound(e)).toBe(true);
    expect(errorMessage(e, t)).toBe('secrets pull was not found.');
  });

  it('parses a Status sent as text', () => {
    const e = ApiError.fromResponse(409, JSON.stringify(status(409, 'Conflict', 'the object has been modified', { name: 'default', kind: 'serviceaccounts' })));
    expect(isConflict(e)).toBe(true);
    expect(isAlreadyExists(e)).toBe(false);
    expect(errorMessage(e, t)).toBe('serviceaccounts default was changed by someone else after it was read. Reload and try again.');
  });

  it('tells AlreadyExists from Conflict', () => {
    const e = ApiError.fromResponse(409, status(409, 'AlreadyExists', 'secrets "pull" already exists', { name: 'pull', kind: 'secrets' }));
    expect(isAlreadyExists(e)).toBe(true);
    expect(isConflict(e)).toBe(false);
    expect(errorMessage(e, t)).toBe('secrets pull already exists.');
  });

  it('lists the fields of a 422', () => {
    const e = ApiError.fromResponse(
      422,
      status(422, 'Invalid', 'Secret "Bad" is invalid: metadata.name: Invalid value: "Bad"', {
        name: 'Bad',
        kind: 'Secret',
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: "Bad": a lowercase RFC 1123 subdomain', field: 'metadata.name' },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'data[.dockerconfigjson]' },
        ],
      }),
    );
    expect(isInvalid(e)).toBe(true);
    expect(isTestOpFailure(e)).toBe(false);
    expect(invalidCauses(e)).toEqual([
      'metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain',
      'data[.dockerconfigjson]: Required value',
    ]);
    expect(errorMessage(e, t)).toContain('metadata.name: Invalid value');
    expect(errorMessage(e, t)).toContain('data[.dockerconfigjson]: Required value');
  });

  it('recognises a failed JSON-patch test op (kube-apiserver: 422, cause from json-patch)', () => {
    const e = ApiError.fromResponse(
      422,
      status(422, 'Invalid', 'the server rejected our request due to an error in our request', {
        causes: [{ reason: 'UnexpectedServerResponse', message: 'testing value /imagePullSecrets failed: test failed' }],
      }),
    );
    expect(isTestOpFailure(e)).toBe(true);
    expect(errorMessage(e, t)).toBe(t('HARBOR_CONNECT_ERR_TEST_FAILED'));
    const missing = ApiError.fromResponse(422, status(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ message: 'test operation does not apply: is missing path: /imagePullSecrets' }],
    }));
    expect(isTestOpFailure(missing)).toBe(true);
  });
});

describe('ks-apiserver\'s wrapped Status', () => {
  it('a Go StatusError written as is ({"ErrStatus": …}, the multicluster filter\'s 503) reads as its Status', () => {
    const body = '{"ErrStatus":{"metadata":{},"status":"Failure","message":"cluster member-1 is not ready","reason":"ServiceUnavailable","code":503}}';
    const e = ApiError.fromResponse(503, body, { method: 'POST', path: '/clusters/member-1/api/v1/namespaces/demo/secrets' });
    expect(e).toMatchObject({ code: 503, reason: 'ServiceUnavailable', message: 'cluster member-1 is not ready' });
    expect(errorMessage(e, (k, p) => `${k} ${JSON.stringify(p)}`)).toContain('cluster member-1 is not ready');
    expect(errorMessage(e, (k, p) => `${k} ${JSON.stringify(p)}`)).not.toContain('ErrStatus');
    // A cluster that did not answer, unlike one that answered and refused.
    expect(isClusterUnreachable(e)).toBe(true);
    expect(isClusterUnreachable(new ApiError({ kind: 'network', message: 'Failed to fetch' }))).toBe(true);
    expect(isClusterUnreachable(ApiError.fromResponse(403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' }))).toBe(false);
  });
});

describe('403 parsing', () => {
  const ns = 'secrets is forbidden: User "alice" cannot create resource "secrets" in API group "" in the namespace "demo"';
  const cluster = 'daemonsets.apps is forbidden: User "bob" cannot list resource "daemonsets" in API group "apps" at the cluster scope';

  it('parses namespaced and cluster-scoped denials', () => {
    expect(parseForbidden(ns)).toEqual({ user: 'alice', verb: 'create', resource: 'secrets', group: '', namespace: 'demo' });
    expect(parseForbidden(cluster)).toEqual({ user: 'bob', verb: 'list', resource: 'daemonsets', group: 'apps', namespace: undefined });
    expect(parseForbidden('pods "x" is forbidden: User "c" cannot create resource "pods/exec" in API group "" in the namespace "n"')?.resource).toBe('pods/exec');
    expect(parseForbidden('nope')).toBeUndefined();
  });

  it('says which permission is missing', () => {
    const e = ApiError.fromResponse(403, status(403, 'Forbidden', ns, { kind: 'secrets' }));
    expect(isForbidden(e)).toBe(true);
    expect(errorMessage(e, t)).toBe('Permission denied: user alice may not create secrets in project demo.');
    const c = ApiError.fromResponse(403, status(403, 'Forbidden', cluster));
    expect(errorMessage(c, t)).toBe('Permission denied: user bob may not list daemonsets.apps in this cluster.');
    const other = ApiError.fromResponse(403, 'access denied');
    expect(errorMessage(other, t)).toBe('Permission denied: access denied');
  });

  it('a denied read says once, in the user\'s words, which role to ask for', () => {
    const records = 'secrets is forbidden: User "demo-viewer" cannot list resource "secrets" in API group "" in the namespace "extension-harbor-connect"';
    expect(accessDeniedText(ApiError.fromResponse(403, status(403, 'Forbidden', records)), t)).toEqual({
      title: 'Your role does not give access to this page',
      body: expect.stringMatching(/^Image registries are kept as Secrets of this cluster, and your account demo-viewer may not view them\. Ask a platform administrator/),
    });
    expect(accessDeniedText(ApiError.fromResponse(403, status(403, 'Forbidden', ns)), t)?.body).toMatch(/^Your account alice may not view the Secrets of project demo.*operator or admin role/);
    expect(accessDeniedText(ApiError.fromResponse(404, status(404, 'NotFound', 'x')), t)).toBeUndefined();
  });
});

describe('KubeSphere plain-text errors', () => {
  it('keeps the text and infers the reason', () => {
    const e = ApiError.fromResponse(400, 'registry auth failed with err: Get "https://harbor/v2/": x509: certificate signed by unknown authority\n');
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe('registry auth failed with err: Get "https://harbor/v2/": x509: certificate signed by unknown authority');
    expect(errorMessage(e, t)).toContain('x509: certificate signed by unknown authority');
    const s = ApiError.fromResponse(502, '');
    expect(s.reason).toBe('Unknown');
    expect(errorMessage(s, t)).toContain('(502)');
  });
});

describe('failures without a response', () => {
  it("maps the client's network errors (axios-shaped)", () => {
    const e = ApiError.from({ name: 'AxiosError', code: 'ERR_NETWORK', message: 'Network Error', config: { method: 'get', url: '/api/v1/nodes' } });
    expect(isNetworkError(e)).toBe(true);
    expect(e.code).toBe(0);
    expect(e.method).toBe('GET');
    expect(errorMessage(e, t)).toBe(t('HARBOR_CONNECT_ERR_NETWORK'));
  });

  it('maps timeouts with the configured time', () => {
    const e = ApiError.from({ name: 'AxiosError', code: 'ECONNABORTED', message: 'timeout of 5000ms exceeded', config: { timeout: 5000 } });
    expect(isTimeout(e)).toBe(true);
    expect(errorMessage(e, t)).toBe('The server did not answer within 5 s. Try again.');
    expect(isTimeout(ApiError.from({ code: 'ETIMEDOUT' }))).toBe(true);
  });

  it('maps cancellation from the client and fetch', () => {
    expect(isCanceled(ApiError.from({ name: 'CanceledError', code: 'ERR_CANCELED' }))).toBe(true);
    expect(isCanceled(ApiError.from(new DOMException('aborted', 'AbortError')))).toBe(true);
    expect(errorMessage(ApiError.from({ code: 'ERR_CANCELED' }), t)).toBe(t('HARBOR_CONNECT_ERR_CANCELED'));
  });

  it('maps a client error with a response through the body', () => {
    const e = ApiError.from({ response: { status: 404, data: status(404, 'NotFound', 'x', { name: 'a', kind: 'secrets' }) }, config: { method: 'get', url: '/a' } });
    expect(isNotFound(e)).toBe(true);
  });

  it('shows other errors as they are', () => {
    expect(errorMessage(new Error('boom'), t)).toBe('The request failed: boom');
  });
});
