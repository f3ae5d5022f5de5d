import { describe, expect, it } from 'vitest';
import { ApiError } from './contract';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch';
import { builtinTypes } from './types';

const types = builtinTypes(() => false);
const smpOf = (resource: string) => types.find((t) => t.resource === resource)!.smp;

const sa = () => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'builder', namespace: 'demo', finalizers: ['a'] },
  secrets: [{ name: 'token-1' }],
  imagePullSecrets: [{ name: 'legacy-regcred' }, { name: 'dockerhub-mirror' }, { name: 'quay-readonly' }],
});

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected an error');
}

describe('ServiceAccount.imagePullSecrets is atomic', () => {
  it('a merge patch replaces the whole list', () => {
    const out = applyMergePatch(sa(), { imagePullSecrets: [{ name: 'regcred' }] });
    expect(out.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('a strategic merge patch replaces it too (no patchStrategy on the field)', () => {
    const out = applyStrategicMergePatch(sa(), { imagePullSecrets: [{ name: 'regcred' }] }, smpOf('serviceaccounts'));
    expect(out.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('while ServiceAccount.secrets merges by name', () => {
    const out = applyStrategicMergePatch(sa(), { secrets: [{ name: 'token-2' }] }, smpOf('serviceaccounts'));
    expect(out.secrets).toEqual([{ name: 'token-1' }, { name: 'token-2' }]);
  });

  it('a JSON patch guarded by a test op appends without losing entries', () => {
    const out = applyJsonPatch(sa(), [
      { op: 'test', path: '/imagePullSecrets', value: sa().imagePullSecrets },
      { op: 'add', path: '/imagePullSecrets/-', value: { name: 'regcred' } },
    ]);
    expect(out.imagePullSecrets.map((s: { name: string }) => s.name)).toEqual(['legacy-regcred', 'dockerhub-mirror', 'quay-readonly', 'regcred']);
  });
});

describe('JSON patch', () => {
  it('a failing test op is a 422 with the generic apiserver message', () => {
    const e = errorOf(() =>
      applyJsonPatch(sa(), [
        { op: 'test', path: '/imagePullSecrets/0/name', value: 'someone-else' },
        { op: 'add', path: '/imagePullSecrets/-', value: { name: 'regcred' } },
      ]),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toBe('the server rejected our request due to an error in our request');
  });

  it('applies add/remove/replace/move/copy and leaves the input alone', () => {
    const input = { a: { b: [1, 2, 3] }, c: 'x' };
    const out = applyJsonPatch(input, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
    ]);
    expect(out).toEqual({ a: { b: [9, 2, 3] }, c: 'y', 'e/f': 'y' });
    expect(input).toEqual({ a: { b: [1, 2, 3] }, c: 'x' });
  });

  it('fails on missing paths (422)', () => {
    expect(errorOf(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }])).code).toBe(422);
    expect(errorOf(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }])).code).toBe(422);
    expect(errorOf(() => applyJsonPatch({ a: [] }, [{ op: 'add', path: '/a/3', value: 1 }])).code).toBe(422);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes with null, replaces lists and scalars', () => {
    const out = applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2], s: 'x' }, { a: { b: null, d: 3 }, l: [3], s: { n: 1 } });
    expect(out).toEqual({ a: { c: 2, d: 3 }, l: [3], s: { n: 1 } });
  });
});

describe('strategic merge patch on pod specs', () => {
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'main', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
            { name: 'sidecar', image: 'busybox' },
          ],
          imagePullSecrets: [{ name: 'one' }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
          volumes: [{ name: 'cfg', configMap: { name: 'c' } }],
        },
      },
    },
  });
  const schema = smpOf('deployments');

  it('merges containers by name, env by name, ports by containerPort', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] }] } } } },
      schema,
    );
    const [main, sidecar] = out.spec.template.spec.containers;
    expect(main.image).toBe('nginx:1.27');
    expect(main.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(main.ports).toEqual([{ containerPort: 80, name: 'http' }]);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'busybox' });
  });

  it('merges pod imagePullSecrets by name (unlike the ServiceAccount list)', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { imagePullSecrets: [{ name: 'two' }] } } } }, schema);
    expect(out.spec.template.spec.imagePullSecrets).toEqual([{ name: 'one' }, { name: 'two' }]);
  });

  it('replaces atomic tolerations', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } }, schema);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('honours $patch: delete and $patch: replace', () => {
    const del = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, schema);
    expect(del.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['main']);
    const rep = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: { imagePullSecrets: [{ $patch: 'replace' }, { name: 'only' }] } } } },
      schema,
    );
    expect(rep.spec.template.spec.imagePullSecrets).toEqual([{ name: 'only' }]);
    const mapReplace = applyStrategicMergePatch(deployment(), { metadata: { $patch: 'replace', name: 'web', labels: { a: 'b' } } }, schema);
    expect(mapReplace.metadata).toEqual({ name: 'web', labels: { a: 'b' } });
  });

  it('tolerates $setElementOrder and $retainKeys', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'main' }],
              containers: [{ name: 'main', image: 'nginx:2' }],
              volumes: [{ name: 'cfg', secret: { secretName: 's' }, $retainKeys: ['name', 'secret'] }],
            },
          },
        },
      },
      schema,
    );
    expect(out.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['sidecar', 'main']);
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'cfg', secret: { secretName: 's' } }]);
  });

  it('unions merge lists of primitives (finalizers) and deletes from them', () => {
    const out = applyStrategicMergePatch(sa(), { metadata: { finalizers: ['b', 'a'] } }, smpOf('serviceaccounts'));
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    const out2 = applyStrategicMergePatch(out, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, smpOf('serviceaccounts'));
    expect(out2.metadata.finalizers).toEqual(['b']);
  });

  it('a merge-keyed element without its key is a server error like strategicpatch', () => {
    const e = errorOf(() => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, schema));
    expect(e.code).toBe(500);
    expect(e.message).toContain('does not contain declared merge key: name');
  });
});
