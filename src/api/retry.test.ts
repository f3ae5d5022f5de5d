import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { isRetryableWrite, isTransient, retryDelayMs, WRITE_ATTEMPTS } from './retry';
import type { Write } from '../domain/plan/write';

const guarded: Write = { action: 'patch', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', patchType: 'json', patch: [{ op: 'test', path: '/imagePullSecrets', value: [] }] };
const create: Write = { action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', body: {} };
const http = (code: number, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) => new ApiError({ kind: 'http', code, ...extra });

describe('the write retry policy', () => {
  it('retries network drops, timeouts, 502/503/504 and 429; not other answers', () => {
    expect(isTransient(new ApiError({ kind: 'network' }))).toBe(true);
    expect(isTransient(new ApiError({ kind: 'timeout' }))).toBe(true);
    for (const code of [502, 503, 504, 429]) expect(isTransient(http(code))).toBe(true);
    for (const code of [400, 403, 404, 409, 422, 500]) expect(isTransient(http(code))).toBe(false);
    expect(isTransient(new ApiError({ kind: 'canceled' }))).toBe(false);
  });

  it('re-plans after a conflict or a failed guard; a 422 with a field cause is a real validation error', () => {
    expect(isRetryableWrite(create, http(409, { reason: 'Conflict' }))).toBe(true);
    expect(isRetryableWrite(guarded, http(422))).toBe(true);
    expect(isRetryableWrite(guarded, http(422, { details: { causes: [{ field: 'imagePullSecrets[0].name', message: 'x' }] } }))).toBe(false);
    expect(isRetryableWrite(create, http(422))).toBe(false);
  });

  it('backs off with jitter, bounded', () => {
    expect(WRITE_ATTEMPTS).toBe(8);
    expect(retryDelayMs(1, () => 0)).toBe(13);
    expect(retryDelayMs(1, () => 1)).toBe(25);
    expect(retryDelayMs(3, () => 1)).toBe(100);
    expect(retryDelayMs(20, () => 1)).toBe(800);
    expect(retryDelayMs(20, () => 0)).toBe(400);
  });
});
