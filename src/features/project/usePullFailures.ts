// The project's pods failing to pull, and those among them created before their pull secret was bound
// (src/domain/binding/restart.ts), from what the project page already reads plus the kubelet's failure events and
// the ReplicaSets. While a pod fails, or right after a restart, the pods and events are read again every 10 s.
import React from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api/cluster';
import { useList } from '../../api/hooks';
import { pods, replicaSets } from '../../api/resources';
import { projectPullFailures, type ProjectPullFailures } from '../../domain/binding/restart';
import { fetchFailedEvents, healthKeys } from '../health/sources';
import { useProjectData } from '../binding/useProjectData';

const POLL_MS = 10_000;

export interface PullFailuresView {
  loading: boolean;
  /** Why the failures cannot be told (events or pods unreadable). */
  error?: unknown;
  result: ProjectPullFailures;
  /** Read again every 10 s for a while (after a restart: until the failing pods are gone). */
  watch: () => void;
}

export function usePullFailures(cluster: ClusterContext, namespace: string): PullFailuresView {
  // The same queries as the page's (same keys): nothing is read twice.
  const data = useProjectData(cluster, namespace);
  const [watching, setWatching] = React.useState(false);
  const [failingNow, setFailingNow] = React.useState(false);
  const refetchInterval = watching || failingNow ? POLL_MS : false;
  const opts = { enabled: !!namespace, refetchOnWindowFocus: false, refetchInterval } as const;
  const podList = useList(pods, cluster, { namespace, all: true }, opts);
  const rsList = useList(replicaSets, cluster, { namespace, all: true }, opts);
  const eventsQ = useQuery({
    queryKey: healthKeys.events(cluster.name, namespace),
    queryFn: ({ signal }) => fetchFailedEvents(cluster, namespace, { signal }),
    ...opts,
  });

  // Cheap for a project's pods (no memo: the page's workload list is a new array on every render anyway).
  const result = projectPullFailures({
    pods: podList.data?.items ?? [],
    events: eventsQ.data?.ok ? eventsQ.data.items : [],
    serviceAccounts: (data.serviceAccounts.data?.items ?? []) as ServiceAccount[],
    secrets: (data.secrets.data?.items ?? []) as Secret[],
    // Unreadable ReplicaSets: pods are grouped under their ReplicaSet and deleted rather than rolled out.
    replicaSets: rsList.data?.items,
    workloads: data.workloads.map((w) => w.obj),
  });
  const failing = result.failing.length > 0;
  React.useEffect(() => setFailingNow(failing), [failing]);
  React.useEffect(() => {
    if (!watching || failing) return undefined;
    // Once nothing fails any more, one more minute of reads shows the new pods settle, then stop.
    const t = setTimeout(() => setWatching(false), 60_000);
    return () => clearTimeout(t);
  }, [watching, failing]);

  return {
    loading: podList.isLoading || eventsQ.isLoading,
    error: podList.error ?? (eventsQ.data && !eventsQ.data.ok ? eventsQ.data.error : undefined) ?? eventsQ.error ?? undefined,
    result,
    watch: () => setWatching(true),
  };
}
