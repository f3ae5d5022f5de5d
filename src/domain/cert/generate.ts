// Certificate generation: the guide's openssl step done right. A private CA (basicConstraints CA:TRUE
// critical, keyCertSign/cRLSign, SKI) and a server certificate for the registry with DNS and IP SANs,
// serverAuth, AKI, SHA-256. Without SANs (the guide's `openssl req -subj "/CN=…"` + `x509 -req`)
// every modern node fails with "x509: certificate relies on legacy Common Name field".
//
// How: the certificates are built with ./asn1.ts (the same DER layer parse.ts reads with) and
// signed by whichever key holder is there:
// - WebCrypto (crypto.subtle), for RSA and ECDSA P-256: native, fast, the key is generated as
//   extractable only to export it once as PKCS#8 for Harbor.
// - RSA in plain JS (./rsa-keygen.ts, native BigInt, crypto.getRandomValues), when crypto.subtle is missing:
//   browsers hide it on plain-http pages, and KubeSphere consoles are often served over http. ECDSA needs
//   WebCrypto (CertificateGenerationError 'ecdsa-needs-webcrypto').
import * as A from './asn1';
import { fromDer, type Asn1 } from './asn1';
import { sha1, sha256 } from './hash';
import { bigIntToBytes, generateRsaKey, signPkcs1Sha256 } from './rsa-keygen';
import { binaryToBytes, bytesToBinary, toPem } from './bytes';
import { formatIp, ipv4Bytes, ipv6Bytes, parseRegistryHost } from './host';

export type GeneratedKeyAlgorithm = 'RSA-2048' | 'RSA-3072' | 'ECDSA-P256';

export interface GenerateRegistryCertificatesOptions {
  /** The registry address as typed (scheme and port allowed): its host goes into the SANs and the CN. */
  host: string;
  /** More DNS names or IP addresses for the SANs (e.g. the node-facing IP, a load balancer name, *.example.com). */
  extraNames?: string[];
  caCommonName?: string;
  organization?: string;
  /** Server certificate validity in days, default 365. */
  validityDays?: number;
  /** CA validity in days, default 3650. */
  caValidityDays?: number;
  keyAlgorithm?: GeneratedKeyAlgorithm;
  /** false: do not return the CA key (no further certificates can be issued from this CA). Default true. */
  includeCaKey?: boolean;
  now?: Date;
}

export interface GeneratedRegistryCertificates {
  caCertPem: string;
  caKeyPem?: string;
  serverCertPem: string;
  serverKeyPem: string;
  harborYmlSnippet: string;
  keyAlgorithm: GeneratedKeyAlgorithm;
  /** Which implementation made and used the keys. */
  keySource: 'webcrypto' | 'js';
  dnsNames: string[];
  ipAddresses: string[];
}

export const GENERATION_ERROR_CODES = ['invalid-host', 'invalid-name', 'invalid-validity', 'ecdsa-needs-webcrypto'] as const;
export type GenerationErrorCode = (typeof GENERATION_ERROR_CODES)[number];

/** Bad options. Message: generationErrorMessageKey(code) (HARBOR_CONNECT_CERT_GENERATE_<CODE>), params fill it. */
export class CertificateGenerationError extends Error {
  constructor(
    readonly code: GenerationErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`certificate generation: ${code}`);
    this.name = 'CertificateGenerationError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BACKDATE_MS = 5 * 60 * 1000; // tolerate node clocks a little behind
const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
};

interface KeyPair {
  /** DER SubjectPublicKeyInfo, binary string. */
  spki: string;
  /** DER PKCS#8 PrivateKeyInfo, binary string. */
  pkcs8: string;
  ec: boolean;
  /** Signs with SHA-256; returns the X.509 signature value (DER ECDSA-Sig-Value for EC). */
  sign(data: string): Promise<string>;
}

/**
 * `crypto`: the SubtleCrypto to use; left out, the page's own (absent on plain-http pages); null,
 * none (RSA in plain JS, ./rsa-keygen.ts). Rejects with CertificateGenerationError on bad options.
 */
export async function generateRegistryCertificates(
  options: GenerateRegistryCertificatesOptions,
  crypto: SubtleCrypto | null | undefined = globalThis.crypto?.subtle,
): Promise<GeneratedRegistryCertificates> {
  const keyAlgorithm = options.keyAlgorithm ?? 'RSA-2048';
  const host = parseRegistryHost(options.host);
  if (!host || (host.kind === 'dns' && !validDnsName(host.host))) {
    throw new CertificateGenerationError('invalid-host', { host: String(options.host ?? '') });
  }
  const { dnsNames, ipAddresses } = collectNames(host.host, options.extraNames ?? []);
  const serverDays = validDays(options.validityDays ?? 365);
  const caDays = validDays(options.caValidityDays ?? 3650);
  if (keyAlgorithm === 'ECDSA-P256' && !crypto) throw new CertificateGenerationError('ecdsa-needs-webcrypto');

  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const caNotAfter = new Date(now.getTime() + caDays * DAY_MS);
  // A server certificate outliving its CA would be refused once the CA expires anyway.
  const serverNotAfter = new Date(Math.min(now.getTime() + serverDays * DAY_MS, caNotAfter.getTime()));
  const organization = (options.organization ?? 'Harbor Connect').trim() || 'Harbor Connect';
  const caCommonName = truncate((options.caCommonName ?? '').trim() || `Harbor Connect CA for ${host.host}`, 64);

  const jsKey = () => jsKeyPair(keyAlgorithm === 'RSA-3072' ? 3072 : 2048);
  let keySource: GeneratedRegistryCertificates['keySource'] = crypto ? 'webcrypto' : 'js';
  let caKey: KeyPair;
  try {
    caKey = crypto ? await webCryptoKeyPair(crypto, keyAlgorithm) : await jsKey();
  } catch (error) {
    // A WebCrypto that refuses (policy, odd implementation): RSA can still be made in JS.
    if (keySource === 'js' || keyAlgorithm === 'ECDSA-P256') throw error;
    keySource = 'js';
    caKey = await jsKey();
  }
  const serverKey = keySource === 'webcrypto' ? await webCryptoKeyPair(crypto!, keyAlgorithm) : await jsKey();

  const caName = name(organization, caCommonName);
  const caSki = keyId(caKey.spki);
  const caCert = await certificate({
    serial: await randomSerial(),
    issuer: caName,
    subject: caName,
    notBefore,
    notAfter: caNotAfter,
    spki: caKey.spki,
    signer: caKey,
    extensions: [
      extension(OID.basicConstraints, true, seq([bool(true), integer('\x00')])),
      extension(OID.keyUsage, true, keyUsage([5, 6])), // keyCertSign, cRLSign
      extension(OID.subjectKeyId, false, octets(caSki)),
      extension(OID.authorityKeyId, false, seq([ctx(0, caSki)])),
    ],
  });

  // CN is limited to 64 characters (RFC 5280 ub-common-name); the SANs are what counts anyway.
  const serverName = name(organization, host.host.length <= 64 ? host.host : undefined);
  const sans = [
    ...dnsNames.map((d) => ctx(2, d)),
    ...ipAddresses.map((ip) => {
      const bytes = (ipv4Bytes(ip) ?? ipv6Bytes(ip))!;
      const isV4 = ipv4Bytes(ip) !== undefined;
      return ctx(7, bytesToBinary(isV4 ? bytes.subarray(12) : bytes));
    }),
  ];
  const serverCert = await certificate({
    serial: await randomSerial(),
    issuer: caName,
    subject: serverName,
    notBefore,
    notAfter: serverNotAfter,
    spki: serverKey.spki,
    signer: caKey,
    extensions: [
      extension(OID.basicConstraints, true, seq([])),
      // keyEncipherment only means something for RSA key exchange.
      extension(OID.keyUsage, true, keyUsage(serverKey.ec ? [0] : [0, 2])),
      extension(OID.extKeyUsage, false, seq([oid(OID.serverAuth)])),
      extension(OID.subjectAltName, false, seq(sans)),
      extension(OID.subjectKeyId, false, octets(keyId(serverKey.spki))),
      extension(OID.authorityKeyId, false, seq([ctx(0, caSki)])),
    ],
  });

  const out: GeneratedRegistryCertificates = {
    caCertPem: toPem('CERTIFICATE', caCert),
    serverCertPem: toPem('CERTIFICATE', serverCert),
    serverKeyPem: toPem('PRIVATE KEY', serverKey.pkcs8),
    harborYmlSnippet: harborYml(host.host, host.port),
    keyAlgorithm,
    keySource,
    dnsNames,
    ipAddresses,
  };
  if (options.includeCaKey !== false) out.caKeyPem = toPem('PRIVATE KEY', caKey.pkcs8);
  return out;
}

/**
 * harbor.yml's https block for the files generated here. Harbor's nginx serves the certificate file
 * as the chain: with a private root trusted on every node the server certificate alone is enough;
 * if an intermediate CA signs it, append the intermediate after the server certificate in harbor.crt.
 */
function harborYml(hostname: string, port: number | undefined): string {
  return [
    // An IPv6 address is quoted so no YAML reader takes its colons for syntax.
    `hostname: ${hostname.includes(':') ? `"${hostname}"` : hostname}`,
    'https:',
    `  port: ${port ?? 443}`,
    '  # the server certificate (followed by any intermediate CA certificates)',
    '  certificate: /data/cert/harbor.crt',
    '  private_key: /data/cert/harbor.key',
    '',
  ].join('\n');
}

function collectNames(host: string, extra: string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const raw of [host, ...extra]) {
    const text = String(raw ?? '').trim();
    if (!text) continue;
    const parsed = parseRegistryHost(text);
    if (!parsed || (parsed.kind === 'dns' && !validDnsName(parsed.host))) {
      throw new CertificateGenerationError('invalid-name', { name: text });
    }
    if (parsed.kind === 'ip') {
      const ip = formatIp(parsed.ip!);
      if (!ipAddresses.includes(ip)) ipAddresses.push(ip);
    } else if (!dnsNames.includes(parsed.host)) {
      dnsNames.push(parsed.host);
    }
  }
  return { dnsNames, ipAddresses };
}

function validDnsName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  return labels.every(
    (label, i) => (i === 0 && label === '*' && labels.length > 2) || /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label),
  );
}

function validDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 36500) {
    throw new CertificateGenerationError('invalid-validity', { days: String(days) });
  }
  return days;
}

function truncate(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

// --- ASN.1 building ----------------------------------------------------------------------------

const U = A.Class.UNIVERSAL;

function seq(items: Asn1[]): Asn1 {
  return A.create(U, A.Type.SEQUENCE, true, items);
}
function oid(value: string): Asn1 {
  return A.create(U, A.Type.OID, false, A.oidToDer(value));
}
function bool(value: boolean): Asn1 {
  return A.create(U, A.Type.BOOLEAN, false, value ? '\xff' : '\x00');
}
function integer(unsignedBigEndian: string): Asn1 {
  return A.create(U, A.Type.INTEGER, false, unsignedBigEndian);
}
function octets(bytes: string): Asn1 {
  return A.create(U, A.Type.OCTETSTRING, false, bytes);
}
function bitString(bytes: string, unusedBits = 0): Asn1 {
  return A.create(U, A.Type.BITSTRING, false, String.fromCharCode(unusedBits) + bytes);
}
function ctx(tag: number, bytes: string): Asn1 {
  return A.create(A.Class.CONTEXT_SPECIFIC, tag, false, bytes);
}
function der(node: Asn1): string {
  return A.toDer(node);
}

function name(organization: string, commonName: string | undefined): Asn1 {
  const rdn = (type: string, value: string) =>
    A.create(U, A.Type.SET, true, [seq([oid(type), A.create(U, A.Type.UTF8, false, A.encodeUtf8(value))])]);
  return seq([rdn(OID.organization, organization), ...(commonName ? [rdn(OID.commonName, commonName)] : [])]);
}

function time(date: Date): Asn1 {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? A.create(U, A.Type.UTCTIME, false, A.dateToUtcTime(date))
    : A.create(U, A.Type.GENERALIZEDTIME, false, A.dateToGeneralizedTime(date));
}

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return seq([oid(id), ...(critical ? [bool(true)] : []), octets(der(value))]);
}

/** KeyUsage BIT STRING with the given bit numbers set, trailing zero bits dropped as DER requires. */
function keyUsage(bits: number[]): Asn1 {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytesToBinary(bytes), 7 - (highest & 7));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyId(spki: string): string {
  const node = fromDer(spki, { decodeBitStrings: false });
  const bits = (node.value as Asn1[])[1]!.value as string;
  return sha1(bits.slice(1));
}

async function randomSerial(): Promise<string> {
  let bytes: Uint8Array;
  if (globalThis.crypto?.getRandomValues) {
    bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  } else {
    throw new Error('no crypto.getRandomValues: cannot make a serial number');
  }
  // Positive and minimally encoded: top bit clear, first byte non-zero.
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytesToBinary(bytes);
}

interface CertificateSpec {
  serial: string;
  issuer: Asn1;
  subject: Asn1;
  notBefore: Date;
  notAfter: Date;
  spki: string;
  signer: KeyPair;
  extensions: Asn1[];
}

async function certificate(spec: CertificateSpec): Promise<string> {
  const signatureAlgorithm = spec.signer.ec
    ? seq([oid(OID.ecdsaWithSHA256)])
    : seq([oid(OID.sha256WithRSA), A.create(U, A.Type.NULL, false, '')]);
  const tbs = seq([
    A.create(A.Class.CONTEXT_SPECIFIC, 0, true, [integer('\x02')]), // v3
    integer(spec.serial),
    signatureAlgorithm,
    spec.issuer,
    seq([time(spec.notBefore), time(spec.notAfter)]),
    spec.subject,
    fromDer(spec.spki, { decodeBitStrings: false }),
    A.create(A.Class.CONTEXT_SPECIFIC, 3, true, [seq(spec.extensions)]),
  ]);
  const tbsDer = der(tbs);
  const signature = await spec.signer.sign(tbsDer);
  return der(seq([fromDer(tbsDer, { decodeBitStrings: false }), signatureAlgorithm, bitString(signature)]));
}

// --- keys ----------------------------------------------------------------------------------------

async function webCryptoKeyPair(subtle: SubtleCrypto, algorithm: GeneratedKeyAlgorithm): Promise<KeyPair> {
  const ec = algorithm === 'ECDSA-P256';
  const params: EcKeyGenParams | RsaHashedKeyGenParams = ec
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: algorithm === 'RSA-3072' ? 3072 : 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = bytesToBinary(new Uint8Array(await subtle.exportKey('spki', pair.publicKey)));
  const pkcs8 = bytesToBinary(new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)));
  return {
    spki,
    pkcs8,
    ec,
    async sign(data) {
      const algo = ec ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
      const sig = new Uint8Array(await subtle.sign(algo, pair.privateKey, binaryToBytes(data)));
      return ec ? ecdsaRawToDer(sig) : bytesToBinary(sig);
    },
  };
}

/** WebCrypto gives ECDSA signatures as r||s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }. */
function ecdsaRawToDer(raw: Uint8Array): string {
  const half = raw.length / 2;
  const positive = (part: Uint8Array) => {
    let bytes = bytesToBinary(part).replace(/^\x00+/, '');
    if (bytes === '' || bytes.charCodeAt(0) & 0x80) bytes = '\x00' + bytes;
    return integer(bytes);
  };
  return der(seq([positive(raw.subarray(0, half)), positive(raw.subarray(half))]));
}

async function jsKeyPair(bits: number): Promise<KeyPair> {
  const key = await generateRsaKey(bits);
  const int = (x: bigint) => {
    const bytes = bytesToBinary(bigIntToBytes(x));
    return integer(bytes.charCodeAt(0) & 0x80 ? '\x00' + bytes : bytes);
  };
  const rsaAlgorithm = seq([oid(OID.rsaEncryption), A.create(U, A.Type.NULL, false, '')]);
  const spki = der(seq([rsaAlgorithm, bitString(der(seq([int(key.n), int(key.e)])))]));
  const rsaPrivateKey = seq([integer('\x00'), ...[key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qi].map(int)]);
  const pkcs8 = der(seq([integer('\x00'), rsaAlgorithm, octets(der(rsaPrivateKey))]));
  return {
    spki,
    pkcs8,
    ec: false,
    async sign(data) {
      const digest = binaryToBytes(sha256(data));
      return bytesToBinary(signPkcs1Sha256(key, digest));
    },
  };
}
