import { resourceClient } from '../resource';
import type { NetworkPolicy } from '../models';

export const networkPolicies = resourceClient<NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  namespaced: true,
});
