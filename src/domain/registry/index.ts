export {
  normalizeRegistryAddress,
  parseAuthority,
  parseIPv4,
  parseIPv6,
  formatIPv6,
  DOCKER_HUB_SERVER_KEY,
  DOCKER_HUB_HOST,
} from './address';
export type { RegistryAddress, RegistryAddressError, NormalizeResult, NormalizeOptions } from './address';
export {
  imageRegistryHost,
  parseImageReference,
  credentialMatchesImage,
  credentialKeyMatchesHost,
  kubeletKeyFor,
  globMatch,
} from './image';
export type { ImageReference } from './image';
export { isPublicRegistryHost } from './public';
