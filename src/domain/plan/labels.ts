// Labels on everything the extension creates, so it can find, update and remove exactly what it wrote
// with one label-selector request (docs/design.md, "Contracts").

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'harbor-connect';
export const REGISTRY_LABEL = 'harbor-connect.kubesphere.io/registry';
/**
 * Who created an object, as KubeSphere writes it (kubesphere.io/api constants.CreatorAnnotationKey; the console sets
 * it on what it creates, ks-apiserver does not): the pull secrets the extension creates carry the console user here.
 */
export const CREATOR_ANNOTATION = 'kubesphere.io/creator';

/** Labels for an object planned for the registry `registryId` (a valid label value, see names.registryLabelValue). */
export function managedLabels(registryId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [REGISTRY_LABEL]: registryId };
}

/** Label selector for everything the extension made, optionally for one registry. */
export function managedSelector(registryId?: string): string {
  const base = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
  return registryId === undefined ? base : `${base},${REGISTRY_LABEL}=${registryId}`;
}
