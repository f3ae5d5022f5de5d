// X.509 certificate parsing: one path for every key type.
//
// Why not a library's certificate decoder (node-forge's pki refuses every non-RSA key), when ECDSA P-256/P-384
// certificates are what cert-manager and ACME issue by default: two paths (one for RSA, another for EC) would
// report the same certificate differently depending on its key. So the certificate is decoded with a plain DER
// reader (./asn1.ts)
// and the TBSCertificate (RFC 5280 §4.1) is walked here, for RSA, EC and any other key alike. The exact
// signed bytes are cut from the input with a DER header reader (bytes.ts) rather than re-encoded, so
// signature checks see what was signed. Anything malformed throws; inspect.ts catches it.
import { Class, derToInteger, derToOid, decodeUtf8, fromDer as asn1FromDer, toDer, Type, type Asn1 } from './asn1';
import { binaryToHex, colonHex, readTlv } from './bytes';
import { formatIp } from './host';

const UNIVERSAL = Class.UNIVERSAL;
const CONTEXT = Class.CONTEXT_SPECIFIC;
const T = Type;

export type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

export interface NameAttribute {
  oid: string;
  /** Short name as in RFC 4514 / OpenSSL (CN, O, OU, C, …) or the dotted OID. */
  type: string;
  value: string;
  /** The value is not a string type and is given as RFC 4514 '#' + hex of its DER. */
  hex?: true;
}

export interface ParsedName {
  /** DER of the Name, for exact comparison (Go matches issuer to subject byte for byte). */
  raw: string;
  rdns: NameAttribute[][];
}

export interface ParsedCertificate {
  der: string;
  tbs: string;
  version: number;
  serialNumber: string;
  signatureOid: string;
  signatureAlgorithm: string;
  /** Hash of the signature algorithm: 'sha256', 'sha1', 'md5', … or undefined when unknown/none. */
  signatureHash?: string;
  signatureKeyType?: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA';
  signatureValue: string;
  issuer: ParsedName;
  subject: ParsedName;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: KeyAlgorithm;
  keyOid: string;
  keySize?: number;
  keyCurve?: string;
  rsa?: { modulus: string; exponent: string };
  /** The subjectPublicKey BIT STRING contents, without the unused-bits byte. */
  publicKey: string;
  hasSanExtension: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  subjectKeyId?: string;
  authorityKeyId?: string;
  keyUsage?: string[];
  extKeyUsage?: string[];
}

const NAME_TYPES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

interface SigAlg {
  name: string;
  hash?: string;
  key: NonNullable<ParsedCertificate['signatureKeyType']>;
}
const SIGNATURE_ALGORITHMS: Record<string, SigAlg> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2', key: 'RSA' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5', key: 'RSA' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1', key: 'RSA' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'sha1', key: 'RSA' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224', key: 'RSA' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256', key: 'RSA' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', key: 'RSA' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', key: 'RSA' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', key: 'RSA-PSS' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1', key: 'EC' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224', key: 'EC' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256', key: 'EC' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384', key: 'EC' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', key: 'EC' },
  '1.3.101.112': { name: 'ED25519', key: 'Ed25519' },
  '1.3.101.113': { name: 'ED448', key: 'Ed448' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1', key: 'DSA' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', hash: 'sha256', key: 'DSA' },
};

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
};

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const EXT_KEY_USAGES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

class CertParseError extends Error {}

function fail(message: string): never {
  throw new CertParseError(message);
}

function fromDer(binary: string): Asn1 {
  return asn1FromDer(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false });
}

function children(node: Asn1 | undefined, what: string, type: number = T.SEQUENCE): Asn1[] {
  if (!node || node.tagClass !== UNIVERSAL || node.type !== type || !Array.isArray(node.value)) {
    fail(`expected ${what}`);
  }
  return node.value as Asn1[];
}

function primitive(node: Asn1 | undefined, what: string, type: number, tagClass = UNIVERSAL): string {
  if (!node || node.tagClass !== tagClass || node.type !== type || typeof node.value !== 'string') {
    fail(`expected ${what}`);
  }
  return node.value;
}

function oid(node: Asn1 | undefined, what: string): string {
  return derToOid(primitive(node, what, T.OID));
}

function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return !!node && node.tagClass === CONTEXT && node.type === tag;
}

function unsignedBitLength(binary: string): number {
  let i = 0;
  while (i < binary.length && binary.charCodeAt(i) === 0) i++;
  if (i === binary.length) return 0;
  return (binary.length - i - 1) * 8 + (32 - Math.clz32(binary.charCodeAt(i)));
}

function stripLeadingZeros(binary: string): string {
  let i = 0;
  while (i < binary.length - 1 && binary.charCodeAt(i) === 0) i++;
  return binary.slice(i);
}

function bitStringBytes(node: Asn1 | undefined, what: string): { unused: number; bytes: string } {
  const raw = primitive(node, what, T.BITSTRING);
  if (raw.length < 1) fail(`empty ${what}`);
  const unused = raw.charCodeAt(0);
  if (unused > 7 || (raw.length === 1 && unused !== 0)) fail(`bad ${what}`);
  return { unused, bytes: raw.slice(1) };
}

const STRING_TYPES = new Set<number>([T.UTF8, T.BMP, T.PRINTABLE, T.IA5, T.NUMERIC, T.VISIBLE, T.T61, T.UNIVERSAL_STRING]);

function decodeString(node: Asn1): string {
  const value = typeof node.value === 'string' ? node.value : '';
  if (node.tagClass !== UNIVERSAL) return '#' + binaryToHex(toDer(node));
  switch (node.type as number) {
    case T.UTF8:
      try {
        return decodeUtf8(value);
      } catch {
        return value;
      }
    case T.BMP: // ./asn1.ts already decoded UTF-16BE
    case T.PRINTABLE:
    case T.IA5:
    case T.NUMERIC:
    case T.VISIBLE:
    case T.T61:
      return value;
    case T.UNIVERSAL_STRING: {
      let out = '';
      for (let i = 0; i + 3 < value.length; i += 4) {
        const cp =
          ((value.charCodeAt(i) << 24) >>> 0) +
          (value.charCodeAt(i + 1) << 16) +
          (value.charCodeAt(i + 2) << 8) +
          value.charCodeAt(i + 3);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return out;
    }
    default:
      return '#' + binaryToHex(toDer(node));
  }
}

function parseName(node: Asn1 | undefined, what: string): ParsedName {
  const rdnNodes = children(node, what);
  const rdns = rdnNodes.map((rdn) =>
    children(rdn, `${what} RDN`, T.SET).map((atv) => {
      const [typeNode, valueNode] = children(atv, `${what} attribute`);
      const attrOid = oid(typeNode, `${what} attribute type`);
      if (!valueNode) fail(`${what} attribute without value`);
      const value = decodeString(valueNode);
      const attr: NameAttribute = { oid: attrOid, type: NAME_TYPES[attrOid] ?? attrOid, value };
      if (valueNode.tagClass !== UNIVERSAL || !STRING_TYPES.has(valueNode.type)) attr.hex = true;
      return attr;
    }),
  );
  return { raw: toDer(node!), rdns };
}

function parseTime(node: Asn1 | undefined, what: string): Date {
  if (!node || node.tagClass !== UNIVERSAL || typeof node.value !== 'string') fail(`expected ${what}`);
  const text = node.value;
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (node.type === T.UTCTIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (!m) fail(`bad ${what}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    rest = m.slice(2);
  } else if (node.type === T.GENERALIZEDTIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
    if (!m) fail(`bad ${what}`);
    year = Number(m[1]);
    rest = m.slice(2);
  } else {
    fail(`expected ${what}`);
  }
  const [month, day, hour, minute, second] = rest.map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) fail(`bad ${what}`);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC maps years 0–99 to 1900–1999; set the full year explicitly.
  date.setUTCFullYear(year);
  if (Number.isNaN(date.getTime())) fail(`bad ${what}`);
  return date;
}

function parseKey(node: Asn1 | undefined): Pick<
  ParsedCertificate,
  'keyAlgorithm' | 'keyOid' | 'keySize' | 'keyCurve' | 'rsa' | 'publicKey'
> {
  const [algNode, keyNode] = children(node, 'SubjectPublicKeyInfo');
  const [algOidNode, params] = children(algNode, 'key AlgorithmIdentifier');
  const keyOid = oid(algOidNode, 'key algorithm');
  const { bytes: publicKey } = bitStringBytes(keyNode, 'subjectPublicKey');
  switch (keyOid) {
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      const [n, e] = children(fromDer(publicKey), 'RSAPublicKey');
      const modulus = stripLeadingZeros(primitive(n, 'RSA modulus', T.INTEGER));
      const exponent = stripLeadingZeros(primitive(e, 'RSA exponent', T.INTEGER));
      return { keyAlgorithm: 'RSA', keyOid, keySize: unsignedBitLength(modulus), rsa: { modulus, exponent }, publicKey };
    }
    case '1.2.840.10045.2.1': {
      const curveOid = params && params.type === T.OID ? oid(params, 'EC curve') : undefined;
      const curve = curveOid ? CURVES[curveOid] : undefined;
      // Uncompressed point 04||X||Y: the field size follows from its length.
      const fromPoint = publicKey.length > 1 ? ((publicKey.length - 1) / 2) * 8 : undefined;
      return {
        keyAlgorithm: 'EC',
        keyOid,
        keySize: curve?.bits ?? fromPoint,
        keyCurve: curve?.name ?? curveOid,
        publicKey,
      };
    }
    case '1.3.101.112':
      return { keyAlgorithm: 'Ed25519', keyOid, keySize: 256, publicKey };
    case '1.3.101.113':
      return { keyAlgorithm: 'Ed448', keyOid, keySize: 456, publicKey };
    case '1.2.840.10040.4.1': {
      let keySize: number | undefined;
      if (params && Array.isArray(params.value)) {
        const p = (params.value as Asn1[])[0];
        if (p && typeof p.value === 'string') keySize = unsignedBitLength(p.value);
      }
      return { keyAlgorithm: 'DSA', keyOid, keySize, publicKey };
    }
    default:
      return { keyAlgorithm: 'unknown', keyOid, publicKey };
  }
}

type Extensions = Pick<
  ParsedCertificate,
  | 'hasSanExtension'
  | 'dnsNames'
  | 'ipAddresses'
  | 'basicConstraints'
  | 'subjectKeyId'
  | 'authorityKeyId'
  | 'keyUsage'
  | 'extKeyUsage'
>;

function parseExtensions(node: Asn1 | undefined): Extensions {
  const out: Extensions = { hasSanExtension: false, dnsNames: [], ipAddresses: [] };
  if (!node) return out;
  const list = children((node.value as Asn1[])[0], 'Extensions');
  const seen = new Set<string>();
  for (const ext of list) {
    const parts = children(ext, 'Extension');
    const id = oid(parts[0], 'extension id');
    // Go refuses certificates with a repeated extension; so do we.
    if (seen.has(id)) fail(`duplicate extension ${id}`);
    seen.add(id);
    const valueNode = parts[parts.length - 1];
    const value = primitive(valueNode, 'extension value', T.OCTETSTRING);
    switch (id) {
      case '2.5.29.17': {
        out.hasSanExtension = true;
        for (const gn of children(fromDer(value), 'GeneralNames')) {
          if (gn.tagClass !== CONTEXT || typeof gn.value !== 'string') continue;
          if (gn.type === 2) out.dnsNames.push(gn.value);
          else if (gn.type === 7) {
            const bytes = Uint8Array.from(gn.value, (c) => c.charCodeAt(0));
            if (bytes.length !== 4 && bytes.length !== 16) fail('bad IP address in subjectAltName');
            out.ipAddresses.push(formatIp(bytes));
          }
        }
        break;
      }
      case '2.5.29.19': {
        const items = children(fromDer(value), 'BasicConstraints');
        let ca = false;
        let pathLength: number | undefined;
        for (const item of items) {
          if (item.type === T.BOOLEAN && typeof item.value === 'string') ca = item.value.charCodeAt(0) !== 0;
          else if (item.type === T.INTEGER && typeof item.value === 'string') {
            pathLength = item.value.length <= 4 ? derToInteger(item.value) : undefined;
          }
        }
        out.basicConstraints = { ca, pathLength };
        break;
      }
      case '2.5.29.14':
        out.subjectKeyId = colonHex(primitive(fromDer(value), 'SubjectKeyIdentifier', T.OCTETSTRING));
        break;
      case '2.5.29.35': {
        for (const item of children(fromDer(value), 'AuthorityKeyIdentifier')) {
          if (isContext(item, 0) && typeof item.value === 'string') out.authorityKeyId = colonHex(item.value);
        }
        break;
      }
      case '2.5.29.15': {
        const { unused, bytes } = bitStringBytes(fromDer(value), 'KeyUsage');
        const usages: string[] = [];
        const bitCount = bytes.length * 8 - unused;
        for (let bit = 0; bit < bitCount && bit < KEY_USAGE_BITS.length; bit++) {
          if (bytes.charCodeAt(bit >> 3) & (0x80 >> (bit & 7))) usages.push(KEY_USAGE_BITS[bit]!);
        }
        out.keyUsage = usages;
        break;
      }
      case '2.5.29.37':
        out.extKeyUsage = children(fromDer(value), 'ExtKeyUsage').map((n) => {
          const id2 = oid(n, 'key purpose');
          return EXT_KEY_USAGES[id2] ?? id2;
        });
        break;
      default:
        break;
    }
  }
  return out;
}

/** Parses one DER certificate (binary string holding exactly one certificate). Throws when malformed. */
export function parseCertificateDer(der: string): ParsedCertificate {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) fail('not a single DER SEQUENCE');
  const tbsTlv = readTlv(der, outer.contentStart);
  const tbs = der.slice(outer.contentStart, tbsTlv.end);

  const [tbsNode, sigAlgNode, sigValueNode, ...extra] = children(fromDer(der), 'Certificate');
  if (extra.length) fail('extra fields in Certificate');
  const fields = children(tbsNode, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (isContext(fields[0], 0)) {
    const v = primitive((fields[0].value as Asn1[])[0], 'version', T.INTEGER);
    version = derToInteger(v) + 1;
    i++;
  }
  const serialNumber = colonHex(primitive(fields[i++], 'serialNumber', T.INTEGER));
  children(fields[i++], 'signature AlgorithmIdentifier');
  const issuer = parseName(fields[i++], 'issuer');
  const [nb, na] = children(fields[i++], 'validity');
  const notBefore = parseTime(nb, 'notBefore');
  const notAfter = parseTime(na, 'notAfter');
  const subject = parseName(fields[i++], 'subject');
  const key = parseKey(fields[i++]);
  let extNode: Asn1 | undefined;
  for (; i < fields.length; i++) {
    if (isContext(fields[i], 3)) extNode = fields[i];
  }
  const ext = parseExtensions(extNode);

  const signatureOid = oid(children(sigAlgNode, 'signatureAlgorithm')[0], 'signature algorithm');
  const sig = SIGNATURE_ALGORITHMS[signatureOid];
  const { bytes: signatureValue } = bitStringBytes(sigValueNode, 'signatureValue');

  return {
    der,
    tbs,
    version,
    serialNumber,
    signatureOid,
    signatureAlgorithm: sig?.name ?? signatureOid,
    signatureHash: sig?.hash,
    signatureKeyType: sig?.key,
    signatureValue,
    issuer,
    subject,
    notBefore,
    notAfter,
    ...key,
    ...ext,
  };
}

const RFC4514_SPECIAL = /[,+"\\<>;]/g;

function escapeDnValue(value: string): string {
  let out = value.replace(RFC4514_SPECIAL, (c) => '\\' + c);
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && out.length > 1) out = out.slice(0, -1) + '\\ ';
  return out;
}

/** RFC 4514 string: last RDN first, as Go's pkix.Name.String() and `openssl -nameopt RFC2253` print. */
export function formatDn(name: ParsedName): string {
  return name.rdns
    .slice()
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${a.hex ? a.value : escapeDnValue(a.value)}`).join('+'))
    .join(',');
}

export function nameAttribute(name: ParsedName, oidValue: string): string | undefined {
  const values = name.rdns.flat().filter((a) => a.oid === oidValue).map((a) => a.value);
  return values.length ? values.join(', ') : undefined;
}
