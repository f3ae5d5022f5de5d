// Turns what the user uploaded or pasted into candidate certificates (DER, as binary strings).
// Accepts PEM (text around it, several blocks, CRLF, RFC 1421 headers, TRUSTED CERTIFICATE), raw DER
// (one or several concatenated) and base64 DER without armor. Private keys are only noticed, never
// decoded or kept. Linear in the input size: the 1 MB limit bounds the work, not the algorithm.
import { fromDer, type Asn1 } from './asn1';
import { bytesToBinary, decodeBase64, readTlv } from './bytes';

export const MAX_INPUT_BYTES = 1_048_576;

export interface CandidateCertificate {
  /** The DER bytes, or undefined when the block could not be decoded at all. */
  der?: string;
  /** Where it came from, for messages: the PEM label, or 'DER'. */
  source: string;
}

export interface DecodedInput {
  candidates: CandidateCertificate[];
  /** Labels of private-key blocks found (e.g. 'RSA PRIVATE KEY'), or 'DER' for a raw key. */
  privateKeys: string[];
  /** Labels of other PEM blocks (CERTIFICATE REQUEST, PUBLIC KEY, …), ignored. */
  otherBlocks: string[];
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

export function decodeInput(input: string | Uint8Array): DecodedInput {
  const out: DecodedInput = { candidates: [], privateKeys: [], otherBlocks: [] };
  let text: string;
  if (input instanceof Uint8Array) {
    text = bytesToBinary(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    return out;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  else if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3); // UTF-8 BOM read as bytes

  if (text.includes('-----BEGIN ')) {
    decodePem(text, out);
    return out;
  }
  const trimmed = text.trim();
  if (trimmed.charCodeAt(0) === 0x30 && !/[^\x00-\xff]/.test(trimmed.slice(0, 4))) {
    decodeDer(text.replace(/^\s+/, ''), out);
    return out;
  }
  const fromBase64 = trimmed.length >= 16 ? decodeBase64(trimmed) : undefined;
  if (fromBase64 !== undefined && fromBase64.charCodeAt(0) === 0x30) decodeDer(fromBase64, out);
  return out;
}

function decodePem(text: string, out: DecodedInput): void {
  const boundary = /-----(BEGIN|END) ([^-\r\n]{1,80})-----/g;
  const marks: { kind: string; label: string; start: number; end: number }[] = [];
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    marks.push({ kind: m[1]!, label: m[2]!.trim(), start: m.index, end: m.index + m[0].length });
  }
  for (let k = 0; k < marks.length; k++) {
    const begin = marks[k]!;
    const end = marks[k + 1];
    if (begin.kind !== 'BEGIN') continue;
    const label = begin.label.toUpperCase();
    const complete = !!end && end.kind === 'END' && end.label.toUpperCase() === label;
    if (/PRIVATE KEY$/.test(label)) {
      // Counted even when cut short: half a key in a CA file is still a key in a CA file.
      out.privateKeys.push(label);
    } else if (CERT_LABELS.has(label)) {
      const body = complete ? text.slice(begin.end, end.start) : '';
      out.candidates.push({ der: complete ? pemBody(body, label) : undefined, source: label });
    } else {
      out.otherBlocks.push(label);
    }
    if (complete) k++;
  }
}

function pemBody(body: string, label: string): string | undefined {
  // RFC 1421 headers (Proc-Type, DEK-Info) are "Name: value" lines before the base64.
  const base64 = body
    .split(/\r?\n|\r/)
    .filter((line) => !line.includes(':'))
    .join('');
  const der = decodeBase64(base64);
  if (der === undefined) return undefined;
  if (label === 'TRUSTED CERTIFICATE') {
    // OpenSSL's X509_AUX form: the certificate, then trust settings. Keep the certificate.
    try {
      return der.slice(0, readTlv(der, 0).end);
    } catch {
      return der;
    }
  }
  return der;
}

function decodeDer(binary: string, out: DecodedInput): void {
  let offset = 0;
  while (offset < binary.length) {
    // Trailing newlines or padding after the last certificate are not an error (checked once, at the tail).
    if (binary.charCodeAt(offset) !== 0x30 && /^[\s\x00]*$/.test(binary.slice(offset))) break;
    let end: number;
    try {
      end = readTlv(binary, offset).end;
    } catch {
      out.candidates.push({ der: binary.slice(offset), source: 'DER' });
      return;
    }
    const der = binary.slice(offset, end);
    if (looksLikePrivateKey(der)) out.privateKeys.push('DER');
    else out.candidates.push({ der, source: 'DER' });
    offset = end;
  }
}

/** PKCS#8 (plain or encrypted), PKCS#1 RSA or SEC 1 EC private key structure, by shape only. */
export function looksLikePrivateKey(der: string): boolean {
  let node: Asn1;
  try {
    node = fromDer(der, { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch {
    return false;
  }
  if (node.type !== 16 || !Array.isArray(node.value)) return false;
  const items = node.value as Asn1[];
  const isInt = (n: Asn1 | undefined, v?: number) =>
    !!n && n.tagClass === 0 && n.type === 2 && typeof n.value === 'string' && (v === undefined || n.value === String.fromCharCode(v));
  const isType = (n: Asn1 | undefined, t: number) => !!n && n.tagClass === 0 && n.type === t;
  // PKCS#8 PrivateKeyInfo / OneAsymmetricKey: version 0|1, AlgorithmIdentifier, OCTET STRING
  if ((isInt(items[0], 0) || isInt(items[0], 1)) && isType(items[1], 16) && isType(items[2], 4)) return true;
  // EncryptedPrivateKeyInfo: AlgorithmIdentifier, OCTET STRING (and nothing else)
  if (items.length === 2 && isType(items[0], 16) && isType(items[1], 4)) return true;
  // PKCS#1 RSAPrivateKey: version 0 and eight more INTEGERs
  if (items.length >= 9 && items.slice(0, 9).every((n) => isInt(n)) && isInt(items[0], 0)) return true;
  // SEC 1 ECPrivateKey: version 1, OCTET STRING, [0] params, [1] public key
  if (isInt(items[0], 1) && isType(items[1], 4)) return true;
  return false;
}
