// The registry address as the user typed it, reduced to what TLS checks against the certificate: the host, its kind
// (DNS name or IP) and the port. Built on the one host:port splitter and IP parsers (domain/registry/address.ts); what
// counts as a DNS name here is Go's view (anything that is not an IP), not the normalizer's. Matching follows Go's crypto/x509
// (VerifyHostname), since Go code (containerd, kubelet, docker) is what verifies on the nodes.
import { formatIPv6, parseIPv4, parseIPv6, parsePort, splitHostPort } from '../registry/address';

export interface TlsHost {
  kind: 'dns' | 'ip';
  /** Lower case, no trailing dot; IPs in canonical text form (IPv6 compressed, no brackets). */
  host: string;
  port?: number;
  /** 16 bytes, IPv4 as IPv4-mapped IPv6, for kind 'ip'. */
  ip?: Uint8Array;
}

export function parseRegistryHost(input: string): TlsHost | undefined {
  let s = String(input ?? '').trim();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.split(/[/?#]/, 1)[0] ?? '';
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  if (!s) return undefined;

  const split = splitHostPort(s);
  if (!split) return undefined;
  if (split.bracketed || split.host.includes(':')) {
    // A bare IPv6 address cannot carry a port (splitHostPort gives it none).
    const v6 = ipv6Bytes(split.host.replace(/%.*$/, ''));
    return v6 ? { kind: 'ip', host: formatIp(v6), ip: v6, port: portOf(split.portText) } : undefined;
  }
  const hostPart = split.host.toLowerCase().replace(/\.$/, '');
  if (!hostPart || /[\s\\]/.test(hostPart)) return undefined;
  const v4 = ipv4Bytes(hostPart);
  if (v4) return { kind: 'ip', host: formatIp(v4), ip: v4, port: portOf(split.portText) };
  return { kind: 'dns', host: hostPart, port: portOf(split.portText) };
}

const portOf = (text: string | undefined): number | undefined => (text === undefined ? undefined : parsePort(text) ?? undefined);

/** Dotted quad only, no leading zeros (Go's net.ParseIP refuses them since 1.17), as 16 bytes (IPv4-mapped). */
export function ipv4Bytes(text: string): Uint8Array | undefined {
  const octets = parseIPv4(text);
  if (!octets) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(octets, 12);
  return out;
}

/** An IPv6 literal (no brackets, no zone; an IPv4 tail allowed) as 16 bytes. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  const groups = parseIPv6(text);
  if (!groups) return undefined;
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
