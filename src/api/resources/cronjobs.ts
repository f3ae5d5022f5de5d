import { resourceClient } from '../resource';
import type { CronJob } from '../models';

export const cronJobs = resourceClient<CronJob>({
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  kind: 'CronJob',
  namespaced: true,
});
