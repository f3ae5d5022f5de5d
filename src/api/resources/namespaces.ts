import { resourceClient } from '../resource';
import type { Namespace } from '../models';

export const namespaces = resourceClient<Namespace>({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
});
