import { resourceClient } from '../resource';
import type { Node } from '../models';

export const nodes = resourceClient<Node>({
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  namespaced: false,
});
