// The health panel's data: one TanStack query per source (each with its own staleTime), the dependent ones
// (installer DaemonSet, probes through the ReverseProxy) enabled once what they depend on is known.
// loadHealth() makes the same requests in the same order without React (bench/health-requests.ts).
import { useQuery } from '@tanstack/react-query';
import React from 'react';
import type { ClusterContext, ReverseProxy } from '../../api';
import { classifyV2, harborVersion } from '../../domain/registry/probe';
import type { RegistryRecord } from '../../domain/record';
import {
  checkCertificate,
  checkCertManager,
  checkCredentials,
  checkFailures,
  checkNetwork,
  checkPullTest,
  checkReachability,
  checkTrust,
  destinationOf,
  overall,
  type CheckResult,
  type CheckState,
  daemonSetFromPods,
  isInstallerPod,
  probePaths,
  refusedPods,
} from '../../domain/health';
import { projectPullFailures } from '../../domain/binding/restart';
import {
  CERT_STALE_MS,
  fetchCertManager,
  fetchFailedEvents,
  fetchFailingPodObjects,
  fetchInstaller,
  fetchIssuerChoices,
  fetchNetworkPolicies,
  fetchNodes,
  fetchProbeObjects,
  fetchRegistryPods,
  fetchRegistrySecrets,
  fetchServiceAccounts,
  healthKeys,
  runHealthProbe,
  STALE_MS,
} from './sources';
import { caFileSha256 } from '../../domain/record';
import { readLastPullTest, useLastPullTest } from '../pulltest/storage';

const FAILURE_WINDOW_MS = 60 * 60_000;

/** Everything the panel reads, without React: the bench counts these requests. */
export async function loadHealth(cluster: ClusterContext, registryId: string, namespace?: string) {
  const [sec, podList, nodeList, sas, evs, pols, cm, objects] = await Promise.all([
    fetchRegistrySecrets(cluster, registryId, namespace),
    fetchRegistryPods(cluster, registryId, namespace),
    fetchNodes(cluster),
    fetchServiceAccounts(cluster, namespace),
    fetchFailedEvents(cluster, namespace),
    fetchNetworkPolicies(cluster, namespace),
    fetchCertManager(cluster, registryId),
    namespace ? Promise.resolve(undefined) : fetchProbeObjects(cluster, registryId),
  ]);
  const installerPods = podList.ok ? podList.items.filter(isInstallerPod) : [];
  const ds = !namespace && podList.ok && installerPods.length === 0 ? await fetchInstaller(cluster, registryId) : undefined;
  // The panel's own credential-free probe (cluster administrators only): /v2/, and Harbor's component health.
  const probe = !namespace && sec.record ? await runHealthProbe(cluster, sec.record, probePaths(sec.record)) : undefined;
  // Pods refused by the registry (401, denied): were they created before their pull secret was bound?
  const namespaces = namespace ? [namespace] : [...new Set(sec.pullSecrets.map((s) => s.metadata?.namespace ?? ''))];
  const refs = sec.record && evs.ok ? refusedPods(sec.record, evs.items, namespaces, new Date(Date.now() - FAILURE_WINDOW_MS)) : [];
  const failing = refs.length ? await fetchFailingPodObjects(cluster, refs) : undefined;
  return { sec, podList, nodeList, sas, evs, pols, cm, objects, ds, probe, failing };
}

export interface HealthView {
  loading: boolean;
  error?: unknown;
  record?: RegistryRecord;
  recordError?: string;
  namespaces: string[];
  checks: CheckResult[];
  overall: CheckState;
  /** ms since epoch per check: when its data was last fetched. */
  checkedAt: Partial<Record<CheckResult['id'], number>>;
  refresh: () => void;
  refreshing: boolean;
  pods: import('kubernetes-types/core/v1').Pod[];
  pullSecrets: import('kubernetes-types/core/v1').Secret[];
  nodes: import('kubernetes-types/core/v1').Node[];
  networkPolicies: import('kubernetes-types/networking/v1').NetworkPolicy[];
  destinationOverride: string;
  setDestinationOverride: (v: string) => void;
  /** Harbor only: ask /api/v2.0/systeminfo for the version (not part of the initial load). */
  showHarborVersion: () => void;
  harborVersion?: string;
  harborVersionLoading: boolean;
  /** Our ReverseProxies of this registry that send a credential upstream: the panel offers to delete them. */
  credentialProxies: ReverseProxy[];
}

const OVERRIDE_KEY = (cluster: string, id: string) => `harbor-connect:registry-ip:${cluster}:${id}`;

export function useHealth(cluster: ClusterContext, registryId: string, namespace?: string): HealthView {
  const c = cluster.name;
  const base = { staleTime: STALE_MS, refetchOnWindowFocus: false };
  const secretsQ = useQuery({
    queryKey: healthKeys.secrets(c, registryId, namespace),
    queryFn: ({ signal }) => fetchRegistrySecrets(cluster, registryId, namespace, { signal }),
    ...base,
    cacheTime: 0,
  });
  const podsQ = useQuery({ queryKey: healthKeys.pods(c, registryId, namespace), queryFn: ({ signal }) => fetchRegistryPods(cluster, registryId, namespace, { signal }), ...base });
  const nodesQ = useQuery({ queryKey: healthKeys.nodes(c), queryFn: ({ signal }) => fetchNodes(cluster, { signal }), ...base });
  const sasQ = useQuery({ queryKey: healthKeys.serviceAccounts(c, namespace), queryFn: ({ signal }) => fetchServiceAccounts(cluster, namespace, { signal }), ...base });
  const eventsQ = useQuery({ queryKey: healthKeys.events(c, namespace), queryFn: ({ signal }) => fetchFailedEvents(cluster, namespace, { signal }), ...base });
  const polsQ = useQuery({ queryKey: healthKeys.netpols(c, namespace), queryFn: ({ signal }) => fetchNetworkPolicies(cluster, namespace, { signal }), ...base });
  const cmQ = useQuery({ queryKey: healthKeys.certs(c, registryId), queryFn: ({ signal }) => fetchCertManager(cluster, registryId, { signal }), ...base });
  // Cluster-scoped ReverseProxies: only on the cluster page (project admins can neither read nor create them).
  const objectsQ = useQuery({
    queryKey: healthKeys.probeObjects(c, registryId),
    queryFn: ({ signal }) => fetchProbeObjects(cluster, registryId, { signal }),
    ...base,
    enabled: !namespace,
  });

  const installerPods = podsQ.data?.ok ? podsQ.data.items.filter(isInstallerPod) : [];
  const needDs = !namespace && !!podsQ.data?.ok && installerPods.length === 0;
  const dsQ = useQuery({ queryKey: healthKeys.installer(c, registryId), queryFn: ({ signal }) => fetchInstaller(cluster, registryId, { signal }), ...base, enabled: needDs });

  const record = secretsQ.data?.record;
  const probeKey = record ? `${record.address}|${record.insecure}|${record.kind ?? ''}|${record.caPem ? caFileSha256(record.caPem) : 'public'}` : '';
  const probeQ = useQuery({
    queryKey: healthKeys.probe(c, registryId, 'run', probeKey),
    queryFn: ({ signal }) => runHealthProbe(cluster, record as RegistryRecord, probePaths(record as RegistryRecord), { signal }),
    ...base,
    enabled: !namespace && !!record,
  });
  const [wantVersion, setWantVersion] = React.useState(false);
  const harbor = !namespace && record?.kind === 'harbor' && !!probeQ.data?.v2 && classifyV2(probeQ.data.v2).state === 'ok';
  const infoQ = useQuery({
    queryKey: healthKeys.probe(c, registryId, 'harbor-info', probeKey),
    queryFn: ({ signal }) => runHealthProbe(cluster, record as RegistryRecord, ['systeminfo'], { signal }),
    ...base,
    staleTime: CERT_STALE_MS,
    enabled: harbor && wantVersion,
  });

  const lastPullTest = useLastPullTest(c, registryId);
  const [override, setOverrideState] = React.useState<string>(() => {
    try {
      return sessionStorage.getItem(OVERRIDE_KEY(c, registryId)) ?? '';
    } catch {
      return '';
    }
  });
  const setDestinationOverride = (v: string) => {
    setOverrideState(v);
    try {
      sessionStorage.setItem(OVERRIDE_KEY(c, registryId), v);
    } catch {
      /* private mode */
    }
  };

  // The certificate is re-inspected at most every 10 minutes (its inputs change only with the record).
  const [certNow, setCertNow] = React.useState(() => new Date());
  React.useEffect(() => {
    const t = setInterval(() => setCertNow(new Date()), CERT_STALE_MS);
    return () => clearInterval(t);
  }, []);

  const pullSecrets = secretsQ.data?.pullSecrets ?? [];
  const namespaces = namespace ? [namespace] : [...new Set(pullSecrets.map((s) => s.metadata?.namespace ?? ''))].sort();
  const failuresSince = () => {
    const lastGood = lastPullTest && lastPullTest.results.length > 0 && lastPullTest.results.every((r) => r.state === 'pulled') ? Date.parse(lastPullTest.at) : 0;
    return new Date(Math.max(Date.now() - FAILURE_WINDOW_MS, lastGood || 0));
  };
  // The pods the registry refused as a credential problem, read to tell whether they were created before their
  // pull secret was bound (then the fix is a restart, not the generic checks of a 401).
  const refs = record && eventsQ.data?.ok ? refusedPods(record, eventsQ.data.items, namespaces, failuresSince()) : [];
  const failingQ = useQuery({
    queryKey: healthKeys.failingPods(c, namespace, refs),
    queryFn: ({ signal }) => fetchFailingPodObjects(cluster, refs, { signal }),
    ...base,
    enabled: refs.length > 0,
  });
  const now = new Date();
  const since = failuresSince();

  const cert = React.useMemo(() => checkCertificate(record, certNow), [record?.caPem, record?.serverKey, !!record, certNow]); // eslint-disable-line react-hooks/exhaustive-deps
  const checks: CheckResult[] = [];
  if (secretsQ.data) {
    const ds = dsQ.data?.ok ? dsQ.data.items : daemonSetFromPods(installerPods);
    checks.push(cert);
    checks.push(
      checkTrust({
        record,
        nodes: nodesQ.data?.ok ? nodesQ.data.items : undefined,
        installerPods,
        daemonSet: ds,
        unreadable: !!namespace || (podsQ.data && !podsQ.data.ok) || (nodesQ.data && !nodesQ.data.ok),
      }),
    );
    checks.push(checkCredentials(record, pullSecrets, sasQ.data?.ok ? sasQ.data.items : undefined));
    checks.push(
      checkReachability(record, {
        projectScope: !!namespace,
        probe: probeQ.data ? { ...probeQ.data, systeminfo: infoQ.data?.systeminfo } : undefined,
        objects: objectsQ.data,
      }),
    );
    checks.push(checkPullTest(lastPullTest));
    const failing = refs.length && failingQ.data?.ok ? failingQ.data.items : undefined;
    const evs = eventsQ.data?.ok ? eventsQ.data.items : undefined;
    const sas = sasQ.data?.ok ? sasQ.data.items : undefined;
    const stale = failing && evs && sas ? projectPullFailures({ ...failing, events: evs, serviceAccounts: sas, secrets: pullSecrets }).createdBeforeBinding : undefined;
    checks.push(checkFailures(record, eventsQ.data?.ok ? eventsQ.data.items : undefined, namespaces, since, stale));
    checks.push(checkNetwork(record, polsQ.data?.ok ? polsQ.data.items : undefined, namespaces, record ? destinationOf(record, override) : undefined));
    checks.push(checkCertManager(cmQ.data, now));
  }
  const at = (q: { dataUpdatedAt: number }) => q.dataUpdatedAt || undefined;
  const queries = [secretsQ, podsQ, nodesQ, sasQ, eventsQ, polsQ, cmQ, objectsQ, dsQ, probeQ, infoQ, failingQ];
  const refresh = () => {
    for (const q of queries) {
      if (q.fetchStatus === 'fetching') continue;
      if ((q === dsQ && !needDs) || ((q === objectsQ || q === probeQ) && namespace) || (q === infoQ && !(harbor && wantVersion)) || (q === failingQ && !refs.length)) continue;
      void q.refetch();
    }
    setCertNow(new Date());
  };
  return {
    loading: secretsQ.isLoading,
    error: secretsQ.error ?? undefined,
    record,
    recordError: secretsQ.data?.recordError,
    namespaces,
    checks,
    overall: overall(checks),
    checkedAt: {
      certificate: at(secretsQ),
      trust: at(podsQ) && at(nodesQ) ? Math.min(at(podsQ)!, at(nodesQ)!) : undefined,
      credentials: at(sasQ),
      reachability: at(probeQ),
      pulltest: lastPullTest ? Date.parse(lastPullTest.at) : undefined,
      failures: at(eventsQ),
      network: at(polsQ),
      certmanager: at(cmQ),
    },
    refresh,
    refreshing: queries.some((q) => q.fetchStatus === 'fetching'),
    pods: podsQ.data?.ok ? podsQ.data.items : [],
    pullSecrets,
    nodes: nodesQ.data?.ok ? nodesQ.data.items : [],
    networkPolicies: polsQ.data?.ok ? polsQ.data.items : [],
    destinationOverride: override,
    setDestinationOverride,
    showHarborVersion: () => setWantVersion(true),
    harborVersion: harbor ? harborVersion(infoQ.data?.systeminfo) : undefined,
    harborVersionLoading: infoQ.fetchStatus === 'fetching',
    credentialProxies: objectsQ.data?.ok ? objectsQ.data.items.credentialProxies : [],
  };
}

/** The issuers a registry's Certificate may name (the panel's cert-manager fix), read once `enabled`. */
export function useIssuerChoices(cluster: ClusterContext, enabled: boolean) {
  return useQuery({
    queryKey: healthKeys.issuers(cluster.name),
    queryFn: ({ signal }) => fetchIssuerChoices(cluster, { signal }),
    enabled,
    staleTime: STALE_MS,
  });
}

export { readLastPullTest };
