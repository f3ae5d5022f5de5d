// The API layer's public surface: features import from 'src/api' only.
export * from './cluster';
export * from './paths';
export * from './errors';
export * from './models';
export { request, DEFAULT_TIMEOUT_MS, BASE_HEADERS, type RequestOptions, type HttpMethod } from './client';
export { watchStream, watchLoop, ndjsonLines } from './watch';
export * from './resource';
export * from './resources';
export { deleteWrites, executeWrite, planExecutor, type ExecuteOptions, type FailedDelete } from './write';
export * from './queryKeys';
export { getQueryClient, createQueryClient } from './queryClient';
export * from './hooks';
export {
  runRegistryProbe,
  deleteProbeObjects,
  removeProbeLeftovers,
  listProbeObjects,
  probeGet,
  ROUTE_BUDGET_MS,
  type ProbeRun,
  type ProbeRunOptions,
  type CleanupFailure,
  type LeftoverCleanup,
} from './probe';
export { deleteOnPageHide, flushOnPageHide } from './ephemeral';
export * from './kubesphere-routes';
export { checkAccess, preflightWrites, verdictOf, ACCESS_CHECK_NAME, type AccessQuestion, type AccessVerb, type AccessVerdict, type PreflightResult } from './access';
