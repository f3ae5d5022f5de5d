// ks-apiserver is a Go program: when it talks to a registry or an upstream, failures read as Go prints them.
// This module makes Node's HTTPS client check a server the way crypto/x509 does (validity, then host name,
// then chain; host names only from SANs) and words errors as Go's net/http and crypto/tls do.
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';

export interface TlsPolicy {
  /** Skip every check (Go's InsecureSkipVerify). */
  insecure: boolean;
  /** PEM roots to trust instead of the system roots (Go's TLSConfig.CAData); undefined = system roots. */
  ca?: string;
}

/** An error whose message is already in Go's words. */
export class GoError extends Error {}

function goTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sans(cert: X509Certificate): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(/,\s*/)) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ips.push(entry.slice(11).toLowerCase());
  }
  return { dns, ips };
}

function commonName(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

/** Go's matchHostnames: label-wise, `*` only as a whole left-most label. */
function matchHostnames(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '').split('.');
  const h = host.toLowerCase().replace(/\.$/, '').split('.');
  if (p.length !== h.length || p.some(label => label === '')) return false;
  return p.every((label, i) => (i === 0 && label === '*') || label === h[i]);
}

/** crypto/x509 HostnameError.Error(), or undefined when the certificate is valid for `host`. */
export function hostnameError(cert: X509Certificate, host: string): string | undefined {
  const { dns, ips } = sans(cert);
  const ip = isIP(host) !== 0;
  const valid = ip ? cert.checkIP(host) !== undefined : dns.some(name => matchHostnames(name, host));
  if (valid) return undefined;
  const hasSans = (cert.subjectAltName ?? '') !== '';
  const cn = commonName(cert);
  if (!hasSans && cn && matchHostnames(cn, host)) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  if (ip) {
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    return `x509: certificate is valid for ${ips.join(', ')}, not ${host}`;
  }
  if (dns.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${dns.join(', ')}, not ${host}`;
}

/**
 * What Go would say about the server's certificate, in Go's order: expiry, host name, chain.
 * `authorizationError` is Node's verdict on the chain against the roots it was given.
 */
export function goVerify(socket: TLSSocket, host: string): string | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  const now = new Date();
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now > notAfter) return `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${goTime(now)} is after ${goTime(notAfter)}`;
  if (now < notBefore) return `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${goTime(now)} is before ${goTime(notBefore)}`;
  const nameProblem = hostnameError(cert, host);
  if (nameProblem) return `tls: failed to verify certificate: ${nameProblem}`;
  if (!socket.authorized) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return undefined;
}

/** Node's network/TLS errors in Go's net and net/http wording (without the `Get "url": ` prefix). */
export function goNetError(error: NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }, host: string, port: number): string {
  if (error instanceof GoError) return error.message;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${error.address ?? host}:${error.port ?? port}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${error.hostname ?? host}: no such host`;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return `dial tcp ${host}:${port}: i/o timeout`;
    case 'ECONNRESET':
      return `read tcp ${host}:${port}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `dial tcp ${host}:${port}: connect: no route to host`;
    default:
      break;
  }
  // The peer closed the connection without answering (Go reads EOF).
  if (error.message === 'socket hang up') return 'EOF';
  // A plain-HTTP server on the other end: OpenSSL sees garbage where a ServerHello should be.
  if (/wrong version number|packet length too long|unknown protocol/i.test(error.message)) return 'http: server gave HTTP response to HTTPS client';
  return error.message;
}

/** Options for https.request that defer every check to goVerify (called on secureConnect). */
export function tlsRequestOptions(policy: TlsPolicy): { rejectUnauthorized: false; ca?: string; checkServerIdentity: () => undefined } {
  return { rejectUnauthorized: false, ...(policy.ca ? { ca: policy.ca } : {}), checkServerIdentity: () => undefined };
}
