// The trust installer as the health panel sees it from its pods (saves reading the DaemonSet on healthy loads).
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, type RegistryRecord } from '../record';
import { TRUST_COMPONENT } from '../trust';

export const isInstallerPod = (p: Pod) => p.metadata?.labels?.[COMPONENT_LABEL] === TRUST_COMPONENT && p.metadata?.namespace === DEFAULT_EXTENSION_NAMESPACE;

/** A stand-in for the DaemonSet, from one of its pods (owner uid + tolerations). */
export function daemonSetFromPods(installerPods: Pod[]): DaemonSet | undefined {
  const p = installerPods[0];
  const owner = p?.metadata?.ownerReferences?.find((r) => r.kind === 'DaemonSet');
  if (!p || !owner) return undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: owner.name, namespace: DEFAULT_EXTENSION_NAMESPACE, uid: owner.uid },
    spec: { selector: {}, template: { spec: { containers: [], tolerations: p.spec?.tolerations } } },
  };
}

/** What the panel's credential-free probe asks: Harbor's anonymous component health with /v2/ for Harbor; /v2/ alone for any other registry. */
export function probePaths(record: RegistryRecord): Array<'health' | 'v2'> {
  return record.kind === 'harbor' ? ['health', 'v2'] : ['v2'];
}
