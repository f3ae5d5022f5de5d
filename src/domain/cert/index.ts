// Certificate domain: inspect what the user uploads as a registry CA, and generate a CA plus a
// server certificate that modern nodes accept. Pure code: runs in the browser, tested in Node.
export {
  inspectCertificate,
  toCaBundle,
  FINDING_CODES,
  type CertificateInfo,
  type CertificateName,
  type Finding,
  type FindingCode,
  type InspectOptions,
  type InspectionResult,
  type Severity,
} from './inspect';
export type { KeyAlgorithm } from './parse';
export { findingMessageKeys, generationErrorMessageKey, CERT_DETAIL_LABEL_KEYS, LOCALE_PREFIX } from './messages';
export { parseRegistryHost, type TlsHost } from './host';
export { MAX_INPUT_BYTES } from './input';
export { canonicalCaPem, CANONICAL_PEM_LINE, MAX_CERTIFICATES, type CanonicalCa } from './canonical';
export {
  generateRegistryCertificates,
  CertificateGenerationError,
  GENERATION_ERROR_CODES,
  type GenerationErrorCode,
  type GenerateRegistryCertificatesOptions,
  type GeneratedRegistryCertificates,
  type GeneratedKeyAlgorithm,
} from './generate';
