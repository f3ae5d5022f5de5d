// Everything the project page reads, as TanStack queries over the API layer's list hooks.
import type { ClusterContext } from '../../api/cluster';
import { useList } from '../../api/hooks';
import { cronJobs, daemonSets, deployments, jobs, pods, secrets, serviceAccounts, statefulSets } from '../../api/resources';
import type { Workload, WorkloadKind } from '../../domain/binding';

export interface WorkloadItem {
  kind: WorkloadKind;
  name: string;
  obj: Workload;
}

export function useProjectData(cluster: ClusterContext, namespace: string) {
  const args = { namespace, all: true };
  const opts = { enabled: !!namespace, refetchOnWindowFocus: false };
  const secretList = useList(secrets, cluster, args, opts);
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
