import { resourceClient } from '../resource';
import type { Job } from '../models';

export const jobs = resourceClient<Job>({
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  kind: 'Job',
  namespaced: true,
});
