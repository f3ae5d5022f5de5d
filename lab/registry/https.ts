// One HTTPS request with an explicit trust anchor: the lab never touches the system trust store.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { LAB_IP, REGISTRY_HOSTNAME } from '../cluster/network';

/** The lab's name for its registries resolves as the lab's hosts file says (lab/cluster/network.ts). */
export const labLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== REGISTRY_HOSTNAME) return dnsLookup(hostname, options, callback as never);
  if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, [{ address: LAB_IP, family: 4 }]);
  else callback(null, LAB_IP, 4);
};

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpsOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM trust anchors; undefined means Node's default roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Skip the hostname check (the peer is pinned by `ca`), e.g. for the CN-only legacy certificate. */
  skipHostnameCheck?: boolean;
  timeoutMs?: number;
}

export function httpsRequest(url: string, options: HttpsOptions = {}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        // Only set when skipping: an explicit undefined trips an assertion in Node's TLS client.
        ...(options.skipHostnameCheck ? { checkServerIdentity: (_host: string, _cert: PeerCertificate) => undefined } : {}),
        // A fresh agent per call keeps trust settings from leaking between callers through socket reuse.
        agent: false,
        lookup: labLookup,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 15_000} ms: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
