import { resourceClient } from '../resource';
import type { Pod } from '../models';

export const pods = resourceClient<Pod>({
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
});
