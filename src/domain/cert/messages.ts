// Locale keys for findings, derived from the code so a new code cannot go without its messages
// (locales.test.ts checks every code has both keys in en and zh).
import type { FindingCode } from './inspect';

export const LOCALE_PREFIX = 'HARBOR_CONNECT_CERT_';

export function findingMessageKeys(code: FindingCode): { title: string; fix: string } {
  const base = `${LOCALE_PREFIX}FINDING_${code.toUpperCase().replace(/-/g, '_')}`;
  return { title: `${base}_TITLE`, fix: `${base}_FIX` };
}

/** Labels for the certificate details view. */
export const CERT_DETAIL_LABEL_KEYS = {
  subject: `${LOCALE_PREFIX}SUBJECT`,
  issuer: `${LOCALE_PREFIX}ISSUER`,
  commonName: `${LOCALE_PREFIX}COMMON_NAME`,
  organization: `${LOCALE_PREFIX}ORGANIZATION`,
  organizationalUnit: `${LOCALE_PREFIX}ORGANIZATIONAL_UNIT`,
  notBefore: `${LOCALE_PREFIX}VALID_FROM`,
  notAfter: `${LOCALE_PREFIX}VALID_UNTIL`,
  sha256Fingerprint: `${LOCALE_PREFIX}SHA256_FINGERPRINT`,
  key: `${LOCALE_PREFIX}KEY`,
  signatureAlgorithm: `${LOCALE_PREFIX}SIGNATURE_ALGORITHM`,
  isCA: `${LOCALE_PREFIX}CA`,
  selfSigned: `${LOCALE_PREFIX}SELF_SIGNED`,
  sans: `${LOCALE_PREFIX}SANS`,
  dnsNames: `${LOCALE_PREFIX}DNS_NAMES`,
  ipAddresses: `${LOCALE_PREFIX}IP_ADDRESSES`,
  serialNumber: `${LOCALE_PREFIX}SERIAL_NUMBER`,
  keyUsage: `${LOCALE_PREFIX}KEY_USAGE`,
  extKeyUsage: `${LOCALE_PREFIX}EXT_KEY_USAGE`,
} as const;

/** Locale key for a CertificateGenerationError code; its params fill the message. */
export function generationErrorMessageKey(code: string): string {
  return `${LOCALE_PREFIX}GENERATE_${code.toUpperCase().replace(/-/g, '_')}`;
}
