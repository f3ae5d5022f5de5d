import { resourceClient } from '../resource';
import type { Secret } from '../models';

// Secret bodies hold credentials and keys: never log them; hooks give secret queries a zero cacheTime.
export const secrets = resourceClient<Secret>({
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  namespaced: true,
});
