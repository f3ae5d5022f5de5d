import { resourceClient } from '../resource';
import type { Certificate, ClusterIssuer, Issuer } from '../models';

// cert-manager CRDs: strategic merge patch is not served for custom resources (use 'merge' or 'json').
export const certificates = resourceClient<Certificate>({
  group: 'cert-manager.io',
  version: 'v1',
  resource: 'certificates',
  kind: 'Certificate',
  namespaced: true,
});

export const issuers = resourceClient<Issuer>({
  group: 'cert-manager.io',
  version: 'v1',
  resource: 'issuers',
  kind: 'Issuer',
  namespaced: true,
});

export const clusterIssuers = resourceClient<ClusterIssuer>({
  group: 'cert-manager.io',
  version: 'v1',
  resource: 'clusterissuers',
  kind: 'ClusterIssuer',
  namespaced: false,
});
