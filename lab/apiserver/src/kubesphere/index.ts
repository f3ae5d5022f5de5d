// The KubeSphere half of the lab API stand-in: tokens, per-user RBAC from KubeSphere's role templates, the
// console's endpoints, the registry verify endpoint, JSBundle serving and ReverseProxies.
export { createAuthenticator, tokenIssuer, TokenIssuer, ACCESS_TOKEN_TTL_SECONDS } from './tokens';
export { createAuthorizer, forbiddenMessage, forbiddenReason, authorizeNonResource } from './rbac';
export { kubesphereRoutes, ksPage } from './routes';
export { seedKubeSphere, type SeedReport } from './seed';
export { verifyRegistrySecret } from './verify';
export { decodeCaBundle } from './reverseproxy';
export { KS_TYPES } from './types';
export { LAB_ACCOUNTS, LAB_PASSWORD, LAB_WORKSPACES, CLUSTER_NAME, SYSTEM_USER, type LabAccount } from './accounts';
