// The lab's KubeSphere state: projects (namespaces labelled with their workspace), each with its `default`
// ServiceAccount, and, where the store can hold them, KubeSphere's own objects. Idempotent: only what is
// missing is created, so a store restored from disk keeps what users changed.
import type { KObject, ResourceType, Store } from '../contract';
import { LAB_ACCOUNTS, LAB_WORKSPACES, WORKSPACE_LABEL } from './accounts';
import { extensionObject, jsBundleObject, userObject, workspaceTemplateObject } from './objects';
import { KS_TYPES, coreType, ensureType } from './types';

function createIfMissing(store: Store, type: ResourceType | undefined, object: KObject): boolean {
  if (!type) return false;
  if (store.get(type, object.metadata.namespace, object.metadata.name ?? '')) return false;
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  const created = store.create(type, { ...object, metadata });
  // A kind with a status subresource drops .status on create (Kubernetes semantics): set it as a controller would.
  if (object.status !== undefined && JSON.stringify(created.status) !== JSON.stringify(object.status)) {
    store.update(type, { ...created, status: object.status }, { subresource: 'status' });
  }
  return true;
}

export interface SeedReport {
  created: string[];
}

export function seedKubeSphere(store: Store): SeedReport {
  const created: string[] = [];
  const note = (ok: boolean, what: string) => ok && created.push(what);

  const namespaces = coreType(store, 'namespaces');
  const serviceAccounts = coreType(store, 'serviceaccounts');
  for (const [workspace, { projects }] of Object.entries(LAB_WORKSPACES)) {
    for (const project of projects) {
      note(
        createIfMissing(store, namespaces, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: project,
            labels: { [WORKSPACE_LABEL]: workspace, 'kubesphere.io/namespace': project, 'kubernetes.io/metadata.name': project, 'kubesphere.io/managed': 'true' },
            annotations: { 'kubesphere.io/creator': 'admin' },
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        }),
        `namespace/${project}`,
      );
      note(
        createIfMissing(store, serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: project } }),
        `serviceaccount/${project}/default`,
      );
    }
  }

  const kinds: Array<[ResourceType, KObject[]]> = [
    [KS_TYPES.workspacetemplates, Object.keys(LAB_WORKSPACES).map(workspaceTemplateObject)],
    [KS_TYPES.users, LAB_ACCOUNTS.map(userObject)],
    [KS_TYPES.jsbundles, [jsBundleObject()]],
    [KS_TYPES.extensions, [extensionObject()]],
  ];
  for (const [wanted, objects] of kinds) {
    const type = ensureType(store, wanted);
    for (const object of objects) note(createIfMissing(store, type, object), `${wanted.resource}/${object.metadata.name}`);
  }
  return { created };
}
