// KubeSphere's own kinds. The store knows most of them; users.iam.kubesphere.io is registered here.
import type { KObject, ResourceType, Store } from '../contract';

export const KS_TYPES = {
  workspacetemplates: { group: 'tenant.kubesphere.io', version: 'v1beta1', resource: 'workspacetemplates', kind: 'WorkspaceTemplate', namespaced: false },
  users: { group: 'iam.kubesphere.io', version: 'v1beta1', resource: 'users', kind: 'User', namespaced: false },
  jsbundles: { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'jsbundles', kind: 'JSBundle', namespaced: false },
  extensionentries: { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'extensionentries', kind: 'ExtensionEntry', namespaced: false },
  reverseproxies: { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'reverseproxies', kind: 'ReverseProxy', namespaced: false },
  apiservices: { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'apiservices', kind: 'APIService', namespaced: false },
  extensions: { group: 'kubesphere.io', version: 'v1alpha1', resource: 'extensions', kind: 'Extension', namespaced: false },
} satisfies Record<string, ResourceType>;

/** The store's type for `wanted`, registered (as a custom resource) when the store does not know it yet. */
export function ensureType(store: Store, wanted: ResourceType): ResourceType {
  return store.typeFor(wanted.group, wanted.resource) ?? store.registerType({ ...wanted, subresources: ['status'] });
}

export function coreType(store: Store, resource: string): ResourceType | undefined {
  return store.typeFor('', resource);
}

/** Objects of a kind from the store, or [] when the store does not know the kind. */
export function listAll(store: Store, type: ResourceType | undefined, namespace?: string, labelSelector?: string): KObject[] {
  if (!type) return [];
  return store.list(type, namespace, labelSelector ? { labelSelector } : undefined).items;
}
