import { resourceClient } from '../resource';
import type { DaemonSet } from '../models';

export const daemonSets = resourceClient<DaemonSet>({
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
});
