import { resourceClient } from '../resource';
import type { ReverseProxy } from '../models';

export const reverseProxies = resourceClient<ReverseProxy>({
  group: 'extensions.kubesphere.io',
  version: 'v1alpha1',
  resource: 'reverseproxies',
  kind: 'ReverseProxy',
  namespaced: false,
});
