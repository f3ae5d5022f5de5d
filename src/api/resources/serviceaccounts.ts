import { resourceClient } from '../resource';
import type { ServiceAccount } from '../models';

export const serviceAccounts = resourceClient<ServiceAccount>({
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  namespaced: true,
});
