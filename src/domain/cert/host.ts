// The registry address as the user typed it, reduced to what TLS checks against the certificate.
// A small local parser on purpose: the general registry address normalizer lives elsewhere; this one
// only needs the host, its kind (DNS name or IP) and the port. Matching follows Go's crypto/x509
// (VerifyHostname), since Go code (containerd, kubelet, docker) is what verifies on the nodes.
import { formatIPv6 } from '../registry/address';

export interface RegistryHost {
  kind: 'dns' | 'ip';
  /** Lower case, no trailing dot; IPs in canonical text form (IPv6 compressed, no brackets). */
  host: string;
  port?: number;
  /** 16 bytes, IPv4 as IPv4-mapped IPv6, for kind 'ip'. */
  ip?: Uint8Array;
}

export function parseRegistryHost(input: string): RegistryHost | undefined {
  let s = String(input ?? '').trim();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.split(/[/?#]/, 1)[0] ?? '';
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  if (!s) return undefined;

  let hostPart: string;
  let portPart: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    hostPart = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest.startsWith(':')) portPart = rest.slice(1);
    else if (rest !== '') return undefined;
    const v6 = parseIPv6(hostPart.replace(/%.*$/, ''));
    if (!v6) return undefined;
    return { kind: 'ip', host: formatIp(v6), ip: v6, port: parsePort(portPart) };
  }
  const colons = s.split(':').length - 1;
  if (colons >= 2) {
    // A bare IPv6 address cannot carry a port.
    const v6 = parseIPv6(s.replace(/%.*$/, ''));
    return v6 ? { kind: 'ip', host: formatIp(v6), ip: v6, port: undefined } : undefined;
  }
  [hostPart, portPart] = colons === 1 ? (s.split(':') as [string, string]) : [s, undefined];
  hostPart = hostPart.toLowerCase().replace(/\.$/, '');
  if (!hostPart || /[\s\\]/.test(hostPart)) return undefined;
  const v4 = parseIPv4(hostPart);
  if (v4) return { kind: 'ip', host: formatIp(v4), ip: v4, port: parsePort(portPart) };
  return { kind: 'dns', host: hostPart, port: parsePort(portPart) };
}

function parsePort(text: string | undefined): number | undefined {
  if (!text || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Dotted quad only, no leading zeros (Go's net.ParseIP refuses them since 1.17). */
export function parseIPv4(text: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1]!;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[12 + i] = n;
  }
  return out;
}

export function parseIPv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return undefined;
        groups.push((v4[12]! << 8) | v4[13]!, (v4[14]! << 8) | v4[15]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** 4 or 16 bytes → 16 bytes (IPv4-mapped), so equal addresses compare equal as in Go's IP.Equal. */
export function normalizeIp(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === 16) return bytes;
  if (bytes.length !== 4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(bytes, 12);
  return out;
}

export function ipEquals(a: Uint8Array, b: Uint8Array): boolean {
  const x = normalizeIp(a);
  const y = normalizeIp(b);
  if (!x || !y) return false;
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** IPv4 dotted, IPv6 compressed per RFC 5952 (lower case, longest zero run as ::). */
export function formatIp(bytes: Uint8Array): string {
  const b = normalizeIp(bytes);
  if (!b) return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
  const isV4Mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (isV4Mapped) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  return formatIPv6(groups);
}

/**
 * A DNS SAN pattern against a host, as Go's matchHostnames does: case-insensitive, the host's
 * trailing dot ignored, a wildcard only as the whole leftmost label and matching exactly one label.
 */
export function matchesDnsName(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p || !h) return false;
  const pl = p.split('.');
  const hl = h.split('.');
  if (pl.length !== hl.length) return false;
  for (let i = 0; i < pl.length; i++) {
    if (i === 0 && pl[i] === '*' && hl[i] !== '') continue;
    if (pl[i] !== hl[i]) return false;
  }
  return true;
}
