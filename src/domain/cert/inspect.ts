// Certificate inspection: what the user uploads as "the registry's CA", checked the way the nodes
// will check it. The nodes run Go (containerd, kubelet, docker), so Go's crypto/x509 rules decide
// what is an error: no legacy CN fallback, SANs matched as VerifyHostname does, SHA-1 and MD5
// signatures refused on any certificate whose signature is checked (every one but a trust anchor).
import { colonHex, toPem, utf8LengthExceeds } from './bytes';
import { sha256 } from './hash';
import { ipEquals, ipv4Bytes, ipv6Bytes, matchesDnsName, parseRegistryHost } from './host';
import { decodeInput, MAX_INPUT_BYTES } from './input';
import { MAX_CERTIFICATES } from './canonical';
import { formatDn, nameAttribute, parseCertificateDer, type KeyAlgorithm, type ParsedCertificate, type ParsedName } from './parse';
import { verifyRsaPkcs1 } from './rsa-verify';

export const FINDING_CODES = [
  'not-a-certificate',
  'too-large',
  'too-many-certificates',
  'contains-private-key',
  'legacy-cn-only',
  'host-not-in-san',
  'ip-not-in-san',
  'expired',
  'not-yet-valid',
  'expires-soon',
  'weak-key',
  'sha1-signature',
  'leaf-not-ca',
  'self-signed-leaf',
  'chain-order',
  'ca-only-host-unchecked',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Index into `certificates` of the certificate concerned, when there is one. */
  certificateIndex?: number;
  /** Values for the message's {placeholders}; see locales/en/cert.json. */
  params?: Record<string, string | number>;
}

export interface CertificateName {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  /** RFC 4514 form, most specific first (as Go and `openssl -nameopt RFC2253` print it). */
  dn: string;
}

export interface CertificateInfo {
  subject: CertificateName;
  issuer: CertificateName;
  dnsNames: string[];
  ipAddresses: string[];
  /** Whether a subjectAltName extension exists at all (without one: legacy CN-only certificate). */
  hasSanExtension: boolean;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, upper-case hex with colons. */
  sha256Fingerprint: string;
  keyAlgorithm: KeyAlgorithm;
  /** Bits: RSA modulus size, EC field size (256 for P-256). */
  keySize?: number;
  /** EC only: P-256, P-384, P-521 (or the curve OID when unknown). */
  keyCurve?: string;
  /** basicConstraints CA:TRUE. */
  isCA: boolean;
  pathLength?: number;
  /** Subject equals issuer and the certificate is signed by its own key (where that can be checked here). */
  selfSigned: boolean;
  /** OpenSSL names: sha256WithRSAEncryption, ecdsa-with-SHA256, sha1WithRSAEncryption, … */
  signatureAlgorithm: string;
  version: number;
  serialNumber: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  keyUsage?: string[];
  extKeyUsage?: string[];
  /** The certificate alone, as a standard CERTIFICATE PEM block (whatever form it was uploaded in). */
  pem: string;
}

export interface InspectOptions {
  /** The registry address as typed: host or IP, with or without scheme and port. */
  host: string;
  now?: Date;
}

export interface InspectionResult {
  /** In upload order. Private keys are never included. */
  certificates: CertificateInfo[];
  /** Errors first, then warnings, then info. */
  findings: Finding[];
  /** The certificate the registry serves (the non-CA leaf) when the upload holds one. */
  serverCertificateIndex?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRES_SOON_DAYS = 30;
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const WEAK_HASHES: Record<string, string> = { sha1: 'SHA-1', md5: 'MD5', md2: 'MD2' };

/** Never throws: whatever the input, the answer is a result with findings. */
export function inspectCertificate(input: string | Uint8Array, options: InspectOptions): InspectionResult {
  try {
    return inspect(input, options);
  } catch {
    return { certificates: [], findings: [{ code: 'not-a-certificate', severity: 'error' }] };
  }
}

function inspect(input: string | Uint8Array, options: InspectOptions): InspectionResult {
  const findings: Finding[] = [];
  const tooLarge =
    input instanceof Uint8Array
      ? input.length > MAX_INPUT_BYTES
      : typeof input === 'string' && utf8LengthExceeds(input, MAX_INPUT_BYTES);
  if (tooLarge) {
    return { certificates: [], findings: [{ code: 'too-large', severity: 'error', params: { limit: '1 MB' } }] };
  }

  const decoded = decodeInput(input);
  // Chain building compares certificates pairwise (signatures included): a file of hundreds of crafted ones would
  // block the page for minutes. No CA chain is that long: refuse before parsing any.
  if (decoded.candidates.length > MAX_CERTIFICATES) {
    return {
      certificates: [],
      findings: [{ code: 'too-many-certificates', severity: 'error', params: { count: decoded.candidates.length, max: MAX_CERTIFICATES } }],
    };
  }
  if (decoded.privateKeys.length > 0) {
    findings.push({
      code: 'contains-private-key',
      severity: 'error',
      params: { count: decoded.privateKeys.length },
    });
  }

  const parsed: ParsedCertificate[] = [];
  decoded.candidates.forEach((candidate, block) => {
    try {
      if (candidate.der === undefined) throw new Error('undecodable block');
      parsed.push(parseCertificateDer(candidate.der));
    } catch {
      findings.push({ code: 'not-a-certificate', severity: 'error', params: { block: block + 1 } });
    }
  });
  if (parsed.length === 0) {
    if (!findings.some((f) => f.code === 'not-a-certificate')) {
      findings.push({ code: 'not-a-certificate', severity: 'error' });
    }
    return { certificates: [], findings: sortFindings(findings) };
  }

  const n = parsed.length;
  const isCA = parsed.map((c) => c.basicConstraints?.ca === true);
  const selfSigned = parsed.map((c) => issuedBy(c, c));
  // Candidate parents by subject name: a signature is checked only where the names (and the key identifiers,
  // see issuedBy) already match, never for every pair.
  const bySubject = new Map<string, number[]>();
  parsed.forEach((c, j) => bySubject.set(c.subject.raw, [...(bySubject.get(c.subject.raw) ?? []), j]));
  // issuers[i]: indexes j ≠ i of certificates in the upload that issued certificate i.
  // A self-signed certificate tops its own chain (a re-issued root with the same name and key would
  // otherwise "issue" it), and a certificate uploaded twice is not its own issuer.
  const issuers = parsed.map((child, i) =>
    selfSigned[i] ? [] : (bySubject.get(child.issuer.raw) ?? []).filter((j) => j !== i && parsed[j]!.der !== child.der && issuedBy(child, parsed[j]!)),
  );
  const issuesSomething = parsed.map((_, j) => issuers.some((list, i) => i !== j && list.includes(j)));

  const certificates = parsed.map((c, i) => toInfo(c, isCA[i]!, selfSigned[i]!));
  const now = options?.now instanceof Date && !Number.isNaN(options.now.getTime()) ? options.now : new Date();

  parsed.forEach((c, i) => {
    if (now.getTime() < c.notBefore.getTime()) {
      findings.push({ code: 'not-yet-valid', severity: 'error', certificateIndex: i, params: { notBefore: c.notBefore.toISOString() } });
    } else if (now.getTime() > c.notAfter.getTime()) {
      findings.push({
        code: 'expired',
        severity: 'error',
        certificateIndex: i,
        params: { notAfter: c.notAfter.toISOString(), days: Math.floor((now.getTime() - c.notAfter.getTime()) / DAY_MS) },
      });
    } else {
      const daysLeft = (c.notAfter.getTime() - now.getTime()) / DAY_MS;
      if (daysLeft <= EXPIRES_SOON_DAYS) {
        findings.push({
          code: 'expires-soon',
          severity: 'warning',
          certificateIndex: i,
          params: { notAfter: c.notAfter.toISOString(), days: Math.floor(daysLeft) },
        });
      }
    }
    if (c.keyAlgorithm === 'RSA' && (c.keySize ?? 0) < 2048) {
      findings.push({ code: 'weak-key', severity: 'error', certificateIndex: i, params: { bits: c.keySize ?? 0 } });
    }
    const weakHash = c.signatureHash ? WEAK_HASHES[c.signatureHash] : undefined;
    if (weakHash) {
      // Go checks no signature on a trust anchor, so a self-signed one still works; on any other
      // certificate Go 1.18+ refuses SHA-1 (and always refused MD5): "insecure algorithm".
      findings.push({
        code: 'sha1-signature',
        severity: selfSigned[i] ? 'warning' : 'error',
        certificateIndex: i,
        params: { algorithm: c.signatureAlgorithm, hash: weakHash },
      });
    }
  });

  // The server certificate: a non-CA certificate that issued nothing else in the upload.
  const serverIndex = parsed.findIndex((_, i) => !isCA[i] && !issuesSomething[i]);
  const host = parseRegistryHost(typeof options?.host === 'string' ? options.host : '');

  if (serverIndex >= 0) {
    const server = parsed[serverIndex]!;
    if (host) findings.push(...hostFindings(server, serverIndex, host));
    if (selfSigned[serverIndex]) findings.push({ code: 'self-signed-leaf', severity: 'info', certificateIndex: serverIndex });
  } else {
    findings.push({ code: 'ca-only-host-unchecked', severity: 'info', params: { host: host?.host ?? '' } });
  }

  // Top of the chain: follow issuers up from the server certificate (or the first certificate).
  const chain = [serverIndex >= 0 ? serverIndex : 0];
  for (;;) {
    const next = issuers[chain[chain.length - 1]!]!.find((j) => !chain.includes(j));
    if (next === undefined) break;
    chain.push(next);
  }
  const top = chain[chain.length - 1]!;
  if (!isCA[top] && !selfSigned[top]) {
    findings.push({ code: 'leaf-not-ca', severity: 'warning', certificateIndex: top });
  }

  // Order: each certificate's issuer, when it is in the upload, should come right after it.
  if (n > 1) {
    const misordered = issuers.some((list, i) => list.length > 0 && !list.includes(i + 1));
    const leafNotFirst = serverIndex > 0 && chain.length > 1;
    if (misordered || leafNotFirst) {
      const rest = parsed.map((_, i) => i).filter((i) => !chain.includes(i));
      findings.push({
        code: 'chain-order',
        severity: 'warning',
        params: { order: [...chain, ...rest].map((i) => i + 1).join(', ') },
      });
    }
  }

  return { certificates, findings: sortFindings(findings), serverCertificateIndex: serverIndex >= 0 ? serverIndex : undefined };
}

function hostFindings(server: ParsedCertificate, index: number, host: NonNullable<ReturnType<typeof parseRegistryHost>>): Finding[] {
  if (!server.hasSanExtension) {
    return [
      {
        code: 'legacy-cn-only',
        severity: 'error',
        certificateIndex: index,
        params: { host: host.host, cn: nameAttribute(server.subject, '2.5.4.3') ?? '' },
      },
    ];
  }
  if (host.kind === 'ip') {
    const ok = server.ipAddresses.some((text) => {
      const bytes = ipv4Bytes(text) ?? ipv6Bytes(text);
      return !!bytes && !!host.ip && ipEquals(bytes, host.ip);
    });
    return ok
      ? []
      : [{ code: 'ip-not-in-san', severity: 'error', certificateIndex: index, params: { host: host.host, ips: server.ipAddresses.join(', ') } }];
  }
  const ok = server.dnsNames.some((pattern) => matchesDnsName(pattern, host.host));
  return ok
    ? []
    : [{ code: 'host-not-in-san', severity: 'error', certificateIndex: index, params: { host: host.host, names: server.dnsNames.join(', ') } }];
}

function namesEqual(a: ParsedName, b: ParsedName): boolean {
  return a.raw === b.raw;
}

/**
 * Whether `parent` issued `child`: the names match byte for byte (as Go's chain building requires),
 * the key identifiers agree when both are present, the key type fits the signature, and for RSA
 * PKCS#1 v1.5 the signature verifies. ECDSA and others cannot be checked synchronously here.
 */
function issuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (!namesEqual(child.issuer, parent.subject)) return false;
  if (child.authorityKeyId && parent.subjectKeyId && child.authorityKeyId !== parent.subjectKeyId) return false;
  const sigKey = child.signatureKeyType;
  if ((sigKey === 'RSA' || sigKey === 'RSA-PSS') && parent.keyAlgorithm !== 'RSA') return false;
  if (sigKey === 'EC' && parent.keyAlgorithm !== 'EC') return false;
  if (sigKey === 'RSA' && parent.rsa && child.signatureHash) {
    const ok = verifyRsaPkcs1(parent.rsa.modulus, parent.rsa.exponent, child.signatureHash, child.tbs, child.signatureValue);
    if (ok === false) return false;
  }
  return true;
}

function toName(name: ParsedName): CertificateName {
  const out: CertificateName = { dn: formatDn(name) };
  const cn = nameAttribute(name, '2.5.4.3');
  const o = nameAttribute(name, '2.5.4.10');
  const ou = nameAttribute(name, '2.5.4.11');
  if (cn !== undefined) out.commonName = cn;
  if (o !== undefined) out.organization = o;
  if (ou !== undefined) out.organizationalUnit = ou;
  return out;
}

function toInfo(c: ParsedCertificate, isCA: boolean, selfSigned: boolean): CertificateInfo {
  const info: CertificateInfo = {
    subject: toName(c.subject),
    issuer: toName(c.issuer),
    dnsNames: c.dnsNames,
    ipAddresses: c.ipAddresses,
    hasSanExtension: c.hasSanExtension,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256Fingerprint: colonHex(sha256(c.der)),
    keyAlgorithm: c.keyAlgorithm,
    isCA,
    selfSigned,
    signatureAlgorithm: c.signatureAlgorithm,
    version: c.version,
    serialNumber: c.serialNumber,
    pem: toPem('CERTIFICATE', c.der),
  };
  if (c.keySize !== undefined) info.keySize = c.keySize;
  if (c.keyCurve !== undefined) info.keyCurve = c.keyCurve;
  if (c.basicConstraints?.pathLength !== undefined) info.pathLength = c.basicConstraints.pathLength;
  if (c.subjectKeyId) info.subjectKeyId = c.subjectKeyId;
  if (c.authorityKeyId) info.authorityKeyId = c.authorityKeyId;
  if (c.keyUsage) info.keyUsage = c.keyUsage;
  if (c.extKeyUsage) info.extKeyUsage = c.extKeyUsage;
  return info;
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

/** The certificates as one PEM bundle, in the given order: what to write to the nodes' ca.crt. */
export function toCaBundle(certificates: Pick<CertificateInfo, 'pem'>[]): string {
  return certificates.map((c) => c.pem).join('');
}
