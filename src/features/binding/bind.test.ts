// The project page's "add a credential and bind it" executor: a create that finds an object of that name counts as
// done only when that object is what the create would have written.
import { describe, expect, it } from 'vitest';
import { ApiError, NameTakenError, errorMessage } from '../../api/errors';
import { UNCHANGED } from '../../domain/plan/apply';
import type { Write } from '../../domain/plan/write';
import { applyStaged } from '../../domain/plan/apply';
import { buildPullSecret } from '../../domain/dockerconfig';
import { planBinding } from '../../domain/binding';
import { bindingExecutor, type BindIo } from './bind';

const body = buildPullSecret({ name: 'harbor-pull', namespace: 'demo', registryId: 'harbor-example-com', server: 'harbor.example.com', username: 'u', password: 'p' });
const create: Write = { action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'harbor-pull', body };
const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'demo', resourceVersion: '1' }, imagePullSecrets: [{ name: 'other' }] };

function io(existing: Record<string, unknown> | undefined) {
  const writes: Write[] = [];
  const store: Record<string, Record<string, unknown>> = { 'ServiceAccount/default': structuredClone(sa) };
  if (existing) store['Secret/harbor-pull'] = existing;
  const x: BindIo = {
    async read(_v, kind, _ns, name) {
      const o = store[`${kind}/${name}`];
      if (!o) throw new ApiError({ kind: 'http', code: 404 });
      return structuredClone(o);
    },
    async write(w) {
      writes.push(w);
      if (w.action === 'create' && store[`${w.kind}/${w.name}`]) throw new ApiError({ kind: 'http', code: 409, reason: 'AlreadyExists' });
      return {};
    },
  };
  return { io: x, writes };
}

describe('bindingExecutor', () => {
  it('someone else\'s same-named Secret is an error naming it, and the ServiceAccount is not bound to it', async () => {
    const foreign = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'harbor-pull', namespace: 'demo', labels: { team: 'x' } }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'eyJhdXRocyI6e319' } };
    const { io: x, writes } = io(foreign);
    const exec = bindingExecutor(x, 'harbor-pull', 'bind', UNCHANGED);
    await expect(exec(create)).rejects.toBeInstanceOf(NameTakenError);
    const bind = planBinding({ secretName: 'harbor-pull', serviceAccounts: [sa as never] }).writes;
    const out = await applyStaged([create, ...bind], exec, { stage: (w) => (w.kind === 'Secret' ? 0 : 1), concurrency: 2, stopOnFailure: true });
    expect(out.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(writes.filter((w) => w.kind === 'ServiceAccount')).toEqual([]);
    expect(errorMessage((out[0] as { error: unknown }).error, (k, p) => `${k} ${JSON.stringify(p)}`)).toContain('HARBOR_CONNECT_ERR_NAME_TAKEN');
  });

  it('our own Secret from a retry after a lost answer counts as unchanged', async () => {
    const { io: x } = io({ ...body, metadata: { ...(body.metadata as object), uid: 'u1', resourceVersion: '7' } });
    await expect(bindingExecutor(x, 'harbor-pull', 'bind', UNCHANGED)(create)).resolves.toBe(UNCHANGED);
  });
});
