// A small DER reader and writer on "binary strings" (one char per byte), with the node shape and options of the
// part of node-forge's asn1 module that certificate inspection and generation used (fromDer with strict,
// parseAllBytes and decodeBitStrings: false; toDer; OIDs; INTEGER; times). It replaces node-forge (its util,
// asn1, oids and hash modules were about 17 KB gzip of the bundle).
//
// Same reading rules as forge: low tag numbers (the tag's low five bits), short and long-form lengths (at most
// four length bytes here; forge misread more), a declared length beyond the input is an error (strict), the
// indefinite length only for constructed values, BMPString decoded from UTF-16BE, nesting at most 256 deep.

export interface Asn1 {
  tagClass: number;
  type: number;
  constructed: boolean;
  composed: boolean;
  value: string | Asn1[];
}

export interface FromDerOptions {
  strict?: boolean;
  parseAllBytes?: boolean;
  /** Only false is supported: BIT STRING contents are kept raw. */
  decodeBitStrings?: false;
}

export const Class = { UNIVERSAL: 0x00, APPLICATION: 0x40, CONTEXT_SPECIFIC: 0x80, PRIVATE: 0xc0 } as const;
export const Type = {
  BOOLEAN: 1,
  INTEGER: 2,
  BITSTRING: 3,
  OCTETSTRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC: 18,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  UTCTIME: 23,
  GENERALIZEDTIME: 24,
  VISIBLE: 26,
  UNIVERSAL_STRING: 28,
  BMP: 30,
} as const;

const MAX_DEPTH = 256;

export function create(tagClass: number, type: number, constructed: boolean, value: string | Asn1[]): Asn1 {
  return { tagClass, type, constructed, composed: constructed || Array.isArray(value), value };
}

class Reader {
  constructor(
    readonly s: string,
    public pos = 0,
  ) {}
  byte(): number {
    if (this.pos >= this.s.length) throw new Error('Too few bytes to parse DER.');
    return this.s.charCodeAt(this.pos++);
  }
}

function need(r: Reader, remaining: number, n: number): void {
  if (n > remaining || r.pos + n > r.s.length) throw new Error('Too few bytes to parse DER.');
}

function read(r: Reader, remaining: number, depth: number, strict: boolean): Asn1 {
  if (depth >= MAX_DEPTH) throw new Error('ASN.1 parsing error: Max depth exceeded.');
  need(r, remaining, 2);
  const start = r.pos;
  const b1 = r.byte();
  const tagClass = b1 & 0xc0;
  const type = b1 & 0x1f;
  const constructed = (b1 & 0x20) === 0x20;
  const b2 = r.byte();
  let length: number | undefined;
  if (b2 === 0x80) length = undefined;
  else if (b2 & 0x80) {
    const n = b2 & 0x7f;
    if (n > 4) throw new Error('ASN.1 length too long');
    need(r, remaining - 2, n);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + r.byte();
  } else length = b2;
  let left = remaining - (r.pos - start);
  if (length !== undefined && length > left) {
    if (strict) throw new Error('Too few bytes to read ASN.1 value.');
    length = left;
  }
  let value: string | Asn1[];
  if (constructed) {
    const children: Asn1[] = [];
    if (length === undefined) {
      for (;;) {
        need(r, left, 2);
        if (r.s.charCodeAt(r.pos) === 0 && r.s.charCodeAt(r.pos + 1) === 0) {
          r.pos += 2;
          break;
        }
        const p = r.pos;
        children.push(read(r, left, depth + 1, strict));
        left -= r.pos - p;
      }
    } else {
      let len = length;
      while (len > 0) {
        const p = r.pos;
        children.push(read(r, len, depth + 1, strict));
        len -= r.pos - p;
      }
    }
    value = children;
  } else {
    if (length === undefined) {
      if (strict) throw new Error('Non-constructed ASN.1 object of indefinite length.');
      length = left;
    }
    need(r, left, length);
    const bytes = r.s.slice(r.pos, r.pos + length);
    r.pos += length;
    if (tagClass === Class.UNIVERSAL && type === Type.BMP) {
      if (length % 2) throw new Error('Too few bytes to parse DER.');
      let text = '';
      for (let i = 0; i < length; i += 2) text += String.fromCharCode((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1));
      value = text;
    } else value = bytes;
  }
  return create(tagClass, type, constructed, value);
}

export function fromDer(binary: string, options: FromDerOptions = {}): Asn1 {
  const strict = options.strict ?? true;
  const r = new Reader(binary);
  const node = read(r, binary.length, 0, strict);
  if (options.parseAllBytes !== false && r.pos !== binary.length) throw new Error('Unparsed DER bytes remain after ASN.1 parsing.');
  return node;
}

function lengthBytes(n: number): string {
  if (n < 0x80) return String.fromCharCode(n);
  let out = '';
  while (n > 0) {
    out = String.fromCharCode(n & 0xff) + out;
    n = Math.floor(n / 256);
  }
  return String.fromCharCode(0x80 | out.length) + out;
}

export function toDer(node: Asn1): string {
  let value: string;
  if (Array.isArray(node.value)) value = node.value.map(toDer).join('');
  else if (node.tagClass === Class.UNIVERSAL && node.type === Type.BMP) {
    value = '';
    for (let i = 0; i < node.value.length; i++) {
      const c = node.value.charCodeAt(i);
      value += String.fromCharCode(c >> 8, c & 0xff);
    }
  } else value = node.value;
  const tag = node.tagClass | (node.constructed ? 0x20 : 0) | node.type;
  return String.fromCharCode(tag) + lengthBytes(value.length) + value;
}

/** OID contents (without tag and length) to dotted text. */
export function derToOid(bytes: string): string {
  if (!bytes.length) return '';
  const first = bytes.charCodeAt(0);
  let out = `${Math.floor(first / 40)}.${first % 40}`;
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      out += `.${v}`;
      v = 0;
    }
  }
  return out;
}

/** Dotted OID text to its contents (without tag and length). */
export function oidToDer(oid: string): string {
  const parts = oid.split('.').map(Number);
  let out = String.fromCharCode(parts[0]! * 40 + parts[1]!);
  for (const p of parts.slice(2)) {
    let chunk = String.fromCharCode(p & 0x7f);
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk = String.fromCharCode(0x80 | (v & 0x7f)) + chunk;
    out += chunk;
  }
  return out;
}

/** A two's-complement INTEGER's contents (at most 4 bytes) as a number. */
export function derToInteger(bytes: string): number {
  if (bytes.length > 4) throw new Error('Integer too large; max is 32-bits.');
  let n = 0;
  for (let i = 0; i < bytes.length; i++) n = (n << 8) | bytes.charCodeAt(i);
  const shift = 32 - 8 * bytes.length;
  return bytes.length ? (n << shift) >> shift : 0;
}

const two = (n: number) => String(n).padStart(2, '0');

/** YYMMDDHHMMSSZ */
export function dateToUtcTime(d: Date): string {
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + 'Z';
}

/** YYYYMMDDHHMMSSZ */
export function dateToGeneralizedTime(d: Date): string {
  return String(d.getUTCFullYear()).padStart(4, '0') + dateToUtcTime(d).slice(2);
}

export function encodeUtf8(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b);
  return out;
}

/** Throws on bytes that are not UTF-8. */
export function decodeUtf8(binary: string): string {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}
