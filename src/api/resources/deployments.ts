import { resourceClient } from '../resource';
import type { Deployment } from '../models';

export const deployments = resourceClient<Deployment>({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
});
