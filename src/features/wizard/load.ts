// Reads what the plan needs: few requests, all through src/api.
import type { Namespace, Node, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { ConfigMap } from 'kubernetes-types/core/v1';
import { useQuery } from '@tanstack/react-query';
import { configMaps, daemonSets, isForbidden, namespaces, nodes, queryKeys, secrets, serviceAccounts, unlessNotFound, type ClusterContext } from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import { DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, recordSecretName, type RegistryRecord } from '../../domain/record';
import { nodeRuntime, SETTINGS_CONFIGMAP, SETTINGS_INSTALLER_IMAGE, trustInstallerName } from '../../domain/trust';
import type { CurrentObjects } from '../../domain/wizard/plan';

export interface LoadInput {
  registryId: string;
  projects: string[];
  secretName: string;
  bindDefaultServiceAccount: boolean;
  extensionNamespace?: string;
  signal?: AbortSignal;
}

export async function loadCurrent(cluster: ClusterContext, input: LoadInput): Promise<CurrentObjects> {
  const ns = input.extensionNamespace ?? DEFAULT_EXTENSION_NAMESPACE;
  const o = { signal: input.signal };
  const name = trustInstallerName(input.registryId);
  const [extNs, record, configMap, daemonSet, managed, nodeList, settings] = await Promise.all([
    unlessNotFound(namespaces.get(cluster, ns, o)) as Promise<Namespace | undefined>,
    unlessNotFound(secrets.get(cluster, recordSecretName(input.registryId), { ...o, namespace: ns })) as Promise<Secret | undefined>,
    unlessNotFound(configMaps.get(cluster, name, { ...o, namespace: ns })) as Promise<ConfigMap | undefined>,
    unlessNotFound(daemonSets.get(cluster, name, { ...o, namespace: ns })) as Promise<DaemonSet | undefined>,
    // ONE cluster-wide request for every copy of this registry's pull secret.
    secrets.listAll(cluster, { ...o, labelSelector: managedSelector(input.registryId) }),
    nodes.listAll(cluster, o).catch(() => ({ items: [] as Node[] })),
    // The installer image the chart rendered from the extension's values (air-gapped mirrors); default otherwise.
    unlessNotFound(configMaps.get(cluster, SETTINGS_CONFIGMAP, { ...o, namespace: ns })).catch((e) => {
      if (isForbidden(e)) return undefined;
      throw e;
    }) as Promise<ConfigMap | undefined>,
  ]);
  const managedSecrets = (managed.items as Secret[]).filter((s) => !(s.metadata?.labels ?? {})['app.kubernetes.io/component']);
  const projects = new Set(input.projects);
  // A constant number of requests however many projects are chosen: cluster-wide lists by field selector,
  // filtered here, instead of one read per project (bench/apply-plan.ts counts them).
  const [sameName, defaults] = await Promise.all([
    // A same-named Secret that is not ours would be overwritten: find them all at once.
    secrets.listAll(cluster, { ...o, fieldSelector: `metadata.name=${input.secretName}` }),
    input.bindDefaultServiceAccount
      ? serviceAccounts.listAll(cluster, { ...o, fieldSelector: 'metadata.name=default' })
      : Promise.resolve({ items: [] as ServiceAccount[] }),
  ]);
  const ours = new Set(managedSecrets.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
  const foreign = (sameName.items as Secret[]).filter(
    (s) => projects.has(s.metadata?.namespace ?? '') && !ours.has(`${s.metadata?.namespace}/${s.metadata?.name}`),
  );
  const serviceAccountsByNs: Record<string, ServiceAccount | undefined> = {};
  if (input.bindDefaultServiceAccount) {
    for (const p of projects) serviceAccountsByNs[p] = undefined;
    for (const sa of defaults.items as ServiceAccount[]) {
      const ns = sa.metadata?.namespace ?? '';
      if (projects.has(ns)) serviceAccountsByNs[ns] = sa;
    }
  }
  return {
    extensionNamespace: extNs,
    record,
    installer: configMap || daemonSet ? { configMap, daemonSet } : undefined,
    managedSecrets,
    foreignSecrets: foreign,
    serviceAccounts: serviceAccountsByNs,
    runtimes: (nodeList.items as Node[]).map(nodeRuntime),
    installerImage: settings?.data?.[SETTINGS_INSTALLER_IMAGE] || undefined,
  };
}

/**
 * loadCurrent as a query (key: queryKeys.composite.wizardCurrent). It holds Secrets: never kept once unused, and
 * read again on every mount, so the review always plans from what exists now.
 */
export function useWizardCurrent(cluster: ClusterContext, input: Omit<LoadInput, 'signal'> | undefined) {
  return useQuery({
    queryKey: queryKeys.composite.wizardCurrent(cluster.name, input?.registryId ?? '', {
      projects: input?.projects ?? [],
      secretName: input?.secretName ?? '',
      bindDefaultServiceAccount: input?.bindDefaultServiceAccount ?? false,
    }),
    queryFn: ({ signal }) => loadCurrent(cluster, { ...(input as LoadInput), signal }),
    enabled: !!input,
    cacheTime: 0,
    staleTime: 0,
    retry: false,
  });
}

/** The registry's record and every Secret labelled with the registry (its pull secrets and the record itself). */
export async function fetchRegistryCopies(cluster: ClusterContext, registryId: string, signal?: AbortSignal): Promise<{ record: RegistryRecord; copies: Secret[] }> {
  const rec = await secrets.get(cluster, recordSecretName(registryId), { namespace: DEFAULT_EXTENSION_NAMESPACE, signal });
  const parsed = parseRegistryRecord(rec);
  if (!parsed.ok) throw new Error(`registry record ${registryId}: ${parsed.reason}`);
  const copies = (await secrets.listAll(cluster, { labelSelector: managedSelector(registryId), signal })).items as Secret[];
  return { record: parsed.record, copies };
}
