// RSASSA-PKCS1-v1_5 signature check with native BigInt: s^e mod n must equal the expected encoding
// 00 01 FF…FF 00 || DigestInfo(hash). Comparing against the encoding we build (rather than parsing
// what came out) is the robust way (RFC 8017 §8.2.2). It needs no RSA library (and no prime or
// PRNG code) on the inspection path, and it is synchronous, which WebCrypto's verify is not.
import { HASHES } from './hash';
import { modPow } from './rsa-keygen';
import { binaryToHex } from './bytes';

const DIGEST_INFO_PREFIX: Record<string, string> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export type RsaHash = keyof typeof DIGEST_INFO_PREFIX;

export function digest(hash: string, data: string): string | undefined {
  return HASHES[hash]?.(data);
}

/**
 * true: verifies; false: does not; undefined: cannot tell here (unknown hash, absurd key size).
 * All inputs are binary strings: modulus and exponent as unsigned big-endian integers.
 */
export function verifyRsaPkcs1(
  modulus: string,
  exponent: string,
  hash: string,
  signedData: string,
  signature: string,
): boolean | undefined {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const h = digest(hash, signedData);
  if (!prefix || h === undefined) return undefined;
  const nHex = binaryToHex(modulus).replace(/^0+/, '');
  const eHex = binaryToHex(exponent).replace(/^0+/, '');
  if (!nHex || !eHex || nHex.length > 4096 || eHex.length > 1024) return undefined;
  const n = BigInt('0x' + nHex);
  const e = BigInt('0x' + eHex);
  const k = Math.ceil(nHex.length / 2);
  if (signature.length !== k) return false;
  const s = BigInt('0x' + (binaryToHex(signature) || '0'));
  if (s >= n) return false;
  const m = modPow(s, e, n).toString(16).padStart(k * 2, '0');
  const t = prefix + binaryToHex(h);
  const padLength = k - 3 - t.length / 2;
  if (padLength < 8) return false;
  const expected = '0001' + 'ff'.repeat(padLength) + '00' + t;
  return m === expected;
}
