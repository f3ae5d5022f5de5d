// Byte helpers. The DER layer (./asn1.ts) and hashes (./hash.ts) work on "binary strings" (one char per byte); the rest of the app and
// WebCrypto use Uint8Array. Everything here works in the browser and in Node (atob/btoa are global in both).

export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  // Chunked: String.fromCharCode.apply on a whole megabyte overflows the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  }
  return out;
}

export function binaryToBytes(binary: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

export function binaryToHex(binary: string): string {
  let out = '';
  for (let i = 0; i < binary.length; i++) out += (binary.charCodeAt(i) & 0xff).toString(16).padStart(2, '0');
  return out;
}

/** "AB:CD:…" as browsers and `openssl x509 -fingerprint` show fingerprints. */
export function colonHex(binary: string): string {
  const hex = binaryToHex(binary).toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** Strict base64 (standard alphabet, optional padding); undefined when it is not base64. */
export function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/[\s]+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  if (compact.length % 4 === 1) return undefined;
  try {
    return atob(compact);
  } catch {
    return undefined;
  }
}

export function encodeBase64(binary: string): string {
  return btoa(binary);
}

export function toPem(label: string, der: string): string {
  const b64 = encodeBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** UTF-8 byte length of a string, stopping early once past `limit` (inputs can be huge). */
export function utf8LengthExceeds(text: string, limit: number): boolean {
  if (text.length > limit) return true; // every UTF-16 unit is at least one byte
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  contentStart: number;
  contentLength: number;
  /** Offset just past the element. */
  end: number;
}

/**
 * Reads one DER tag-length header. Used to cut exact byte ranges (the signed TBSCertificate, one
 * certificate out of concatenated DER) that re-encoding a parsed tree would not reproduce for
 * non-canonical input. Indefinite (BER) lengths are refused, as Go's crypto/x509 refuses them.
 */
export function readTlv(binary: string, offset: number): Tlv {
  if (offset + 2 > binary.length) throw new Error('truncated DER header');
  const tag = binary.charCodeAt(offset);
  if ((tag & 0x1f) === 0x1f) throw new Error('high tag numbers are not used in certificates');
  let length = binary.charCodeAt(offset + 1);
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new Error('indefinite length');
    if (count > 4) throw new Error('length too long');
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= binary.length) throw new Error('truncated DER length');
      length = length * 256 + binary.charCodeAt(pos++);
    }
  }
  const end = pos + length;
  if (end > binary.length) throw new Error('truncated DER value');
  return { tag, contentStart: pos, contentLength: length, end };
}
