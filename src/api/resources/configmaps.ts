import { resourceClient } from '../resource';
import type { ConfigMap } from '../models';

export const configMaps = resourceClient<ConfigMap>({
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
});
