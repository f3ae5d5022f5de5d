import { resourceClient } from '../resource';
import type { StatefulSet } from '../models';

export const statefulSets = resourceClient<StatefulSet>({
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  kind: 'StatefulSet',
  namespaced: true,
});
