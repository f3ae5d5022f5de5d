import { resourceClient } from '../resource';
import type { ReplicaSet } from '../models';

/** Read only: a pod's ReplicaSet names the Deployment that owns it (the restart of pods created before a binding). */
export const replicaSets = resourceClient<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
});
