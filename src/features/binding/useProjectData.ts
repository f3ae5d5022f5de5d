// Everything the project page reads, as TanStack queries over the API layer's list hooks.
import { useQuery } from '@tanstack/react-query';
import type { Secret } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api/cluster';
import type { ApiError } from '../../api/errors';
import { SECRET_CACHE_TIME, useList } from '../../api/hooks';
import type { KList } from '../../api/models';
import { queryKeys } from '../../api/queryKeys';
import { cronJobs, daemonSets, deployments, jobs, pods, secrets, serviceAccounts, statefulSets } from '../../api/resources';
import type { Workload, WorkloadKind } from '../../domain/binding';
import { DOCKERCFG_TYPE, DOCKER_CONFIG_JSON_TYPE } from '../../domain/dockerconfig';

/** The only Secrets whose content the project page reads: pull secrets, by type (field selector). */
export const PULL_SECRET_SELECTORS = [`type=${DOCKER_CONFIG_JSON_TYPE}`, `type=${DOCKERCFG_TYPE}`] as const;
/** Every other Secret of the project: names only (a ServiceAccount may name one), never its data. */
export const OTHER_SECRETS_SELECTOR = `type!=${DOCKER_CONFIG_JSON_TYPE},type!=${DOCKERCFG_TYPE}`;

/**
 * The project's pull secrets with their data, and the names of its other Secrets (metadata only, so no other
 * Secret's content ever reaches the browser). Other Secrets come back without a type: they are not pull secrets.
 */
export async function fetchProjectSecrets(cluster: ClusterContext, namespace: string, signal?: AbortSignal): Promise<KList<Secret>> {
  const [json, cfg, others] = await Promise.all([
    ...PULL_SECRET_SELECTORS.map((fieldSelector) => secrets.listAll(cluster, { namespace, fieldSelector, signal })),
    secrets.listMetadata(cluster, { namespace, fieldSelector: OTHER_SECRETS_SELECTOR, signal }),
  ] as const);
  const items: Secret[] = [...(json.items as Secret[]), ...(cfg.items as Secret[]), ...(others.items as Secret[]).map((o) => ({ metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace } }))];
  return { apiVersion: 'v1', kind: 'SecretList', metadata: {}, items };
}

export interface WorkloadItem {
  kind: WorkloadKind;
  name: string;
  obj: Workload;
}

export function useProjectData(cluster: ClusterContext, namespace: string) {
  const args = { namespace, all: true };
  const opts = { enabled: !!namespace, refetchOnWindowFocus: false };
  // Not useList: three field-selected lists, and only the pull secrets with data (fetchProjectSecrets).
  const secretList = useQuery<KList<Secret>, ApiError>({
    queryKey: queryKeys.list(cluster.name, 'secrets', namespace, { fieldSelector: PULL_SECRET_SELECTORS.join('|'), all: true }),
    queryFn: ({ signal }) => fetchProjectSecrets(cluster, namespace, signal),
    enabled: !!namespace,
    refetchOnWindowFocus: false,
    cacheTime: SECRET_CACHE_TIME,
  });
  const saList = useList(serviceAccounts, cluster, args, opts);
  const depList = useList(deployments, cluster, args, opts);
  const stsList = useList(statefulSets, cluster, args, opts);
  const dsList = useList(daemonSets, cluster, args, opts);
  const jobList = useList(jobs, cluster, args, opts);
  const cjList = useList(cronJobs, cluster, args, opts);
  const podList = useList(pods, cluster, args, opts);

  const workloads: WorkloadItem[] = [];
  const add = (kind: WorkloadKind, items: readonly unknown[] | undefined) => {
    for (const o of items ?? []) {
      const w = { ...(o as Workload), kind } as Workload;
      workloads.push({ kind, name: w.metadata?.name ?? '', obj: w });
    }
  };
  add('Deployment', depList.data?.items);
  add('StatefulSet', stsList.data?.items);
  add('DaemonSet', dsList.data?.items);
  add('CronJob', cjList.data?.items);
  // Jobs owned by a CronJob are listed under it, not separately.
  add(
    'Job',
    (jobList.data?.items ?? []).filter((j) => !(j.metadata?.ownerReferences ?? []).some((r) => r.kind === 'CronJob')),
  );

  const workloadQueries = [depList, stsList, dsList, jobList, cjList];
  return {
    secrets: secretList,
    serviceAccounts: saList,
    pods: podList,
    workloads,
    workloadsLoading: workloadQueries.some((q) => q.isLoading),
    workloadErrors: workloadQueries.filter((q) => q.isError).map((q) => q.error),
  };
}
