import type { KObject } from '../models';
import type { ResourceClient } from '../resource';
import { certificates, clusterIssuers, issuers } from './certificates';
import { configMaps } from './configmaps';
import { cronJobs } from './cronjobs';
import { daemonSets } from './daemonsets';
import { deployments } from './deployments';
import { events } from './events';
import { jobs } from './jobs';
import { namespaces } from './namespaces';
import { networkPolicies } from './networkpolicies';
import { nodes } from './nodes';
import { pods } from './pods';
import { replicaSets } from './replicasets';
import { reverseProxies } from './reverseproxies';
import { secrets } from './secrets';
import { serviceAccounts } from './serviceaccounts';
import { statefulSets } from './statefulsets';

export {
  certificates,
  clusterIssuers,
  issuers,
  configMaps,
  cronJobs,
  daemonSets,
  deployments,
  events,
  jobs,
  namespaces,
  networkPolicies,
  nodes,
  pods,
  replicaSets,
  reverseProxies,
  secrets,
  serviceAccounts,
  statefulSets,
};
export { eventsFor } from './events';
export * from './kubesphere';

/** Every kind the extension reads or writes. */
export const ALL_CLIENTS: ReadonlyArray<ResourceClient<KObject>> = [
  namespaces,
  secrets,
  serviceAccounts,
  pods,
  events,
  nodes,
  configMaps,
  daemonSets,
  deployments,
  replicaSets,
  statefulSets,
  jobs,
  cronJobs,
  networkPolicies,
  certificates,
  issuers,
  clusterIssuers,
  reverseProxies,
] as unknown as ReadonlyArray<ResourceClient<KObject>>;

const byKind = new Map(ALL_CLIENTS.map((c) => [`${c.apiVersion}|${c.type.kind}`, c]));

/** The client for an apiVersion + kind, e.g. ('v1', 'Secret'); undefined for kinds the extension does not know. */
export function clientFor(apiVersion: string, kind: string): ResourceClient<KObject> | undefined {
  return byKind.get(`${apiVersion}|${kind}`);
}
