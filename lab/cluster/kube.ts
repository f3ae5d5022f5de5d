// The lab's own door into the real kube-apiserver: JSON over HTTPS with a client certificate from the lab PKI
// (lab/cluster/pki). Used by the launcher (waits, seeds) and by tests to arrange and check what the UI did.
// Product code never uses it: the extension goes through the console and the KubeSphere gateway.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface KubeResponse<T = any> {
  status: number;
  /** Parsed JSON, or the text when the body is not JSON. */
  json: T;
}

export interface KubeClient {
  readonly server: string;
  request<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>>;
}

/** A client for `server` as the PKI identity `stem` (admin → lab-admin in system:masters). */
export function kubeClient(pkiDir: string, server: string, stem = 'admin'): KubeClient {
  const ca = readFileSync(join(pkiDir, 'ca.crt'));
  const cert = readFileSync(join(pkiDir, `${stem}.crt`));
  const key = readFileSync(join(pkiDir, `${stem}.key`));
  return {
    server,
    request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> {
      const type =
        contentType ?? (method === 'PATCH' ? (Array.isArray(body) ? 'application/json-patch+json' : 'application/merge-patch+json') : 'application/json');
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          new URL(path, server),
          {
            method,
            ca,
            cert,
            key,
            headers: { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload) } : {}) },
            timeout: 30_000,
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', chunk => chunks.push(chunk as Buffer));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let json: any = text;
              try {
                json = text ? JSON.parse(text) : undefined;
              } catch {
                // not JSON: keep the text
              }
              resolve({ status: res.statusCode ?? 0, json });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    },
  };
}

/** Throws with the Status message unless the status is one of `ok`. */
export async function expectStatus<T>(response: Promise<KubeResponse<T>>, what: string, ok: number[] = [200, 201]): Promise<T> {
  const res = await response;
  if (!ok.includes(res.status)) {
    const message = typeof res.json === 'object' && res.json ? (res.json as { message?: string }).message : String(res.json);
    throw new Error(`${what}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
  }
  return res.json;
}
