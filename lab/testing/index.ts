// What the lab integration tests (Vitest project "lab", lab/**/*.test.ts) share: the running lab (started once by
// ./global-setup.ts, or the one `npm start` runs), its admin door into kube-apiserver, logins through the
// KubeSphere gateway, and the extension's own API layer pointed at the gateway as a user's console would.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { http as productHttp } from '../../src/api/client';
import { kubeClient, type KubeClient } from '../cluster/kube';
import { REGISTRY_HOSTNAME } from '../cluster/network';
import { INSTALLER_IMAGE_TAG } from '../cluster/index';
import { LAB_USERS } from '../registry/material';

export const LAB_DIR = resolve(process.env.HC_LAB_DIR ?? join(__dirname, '..', '..', '.lab'));
export const KUBE_API_URL = `https://127.0.0.1:${process.env.HC_KUBE_API_PORT || 6443}`;
export const GATEWAY_URL = `http://127.0.0.1:${process.env.HC_API_PORT || 9090}`;
export const NODES = ['node-1', 'node-2', 'node-3'];
export const HARBOR = `${REGISTRY_HOSTNAME}:${process.env.HC_REGISTRY_PORT || 5443}`;
export const LEGACY = `${REGISTRY_HOSTNAME}:${process.env.HC_REGISTRY_CN_PORT || 5444}`;
export const REGISTRY_ADMIN = LAB_USERS[0]!;
export const LAB_PASSWORD = 'P@88w0rd';

let admin: KubeClient | undefined;
/** kube-apiserver as lab-admin (system:masters): arrange and check, never what the product does. */
export function kubeAdmin(): KubeClient {
  admin ??= kubeClient(join(LAB_DIR, 'cluster', 'pki'), KUBE_API_URL);
  return admin;
}

/** GET that returns undefined on 404 and throws on other failures. */
export async function kubeGet<T = any>(path: string): Promise<T | undefined> {
  const res = await kubeAdmin().request<T>('GET', path);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The trust installer's image as every lab node holds it, pinned by digest (lab/cluster/index.ts). */
export function installerImage(): string {
  const digest = readFileSync(join(LAB_DIR, 'cluster', 'images', '10-busybox.tar.digest'), 'utf8').trim();
  return `${INSTALLER_IMAGE_TAG}@${digest}`;
}

export function labCaPem(): string {
  return readFileSync(join(LAB_DIR, 'registry', 'ca.crt'), 'utf8');
}

/** An access token from the gateway's /oauth/token, as the console's server obtains one at login. */
export async function loginToken(username: string, password = LAB_PASSWORD): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'password', username, password, client_id: 'kubesphere', client_secret: 'kubesphere' });
  const res = await fetch(`${GATEWAY_URL}/oauth/token`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const json = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string };
  if (!res.ok || !json.access_token) throw new Error(`login ${username}: HTTP ${res.status} ${json.error_description ?? ''}`);
  return json.access_token;
}

/**
 * One request to the KubeSphere gateway as `user` (a token from loginToken; none when undefined), as the console's
 * server forwards it. `json` is the parsed body, undefined when the body is not JSON.
 */
export async function gatewayAs(user: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (user) headers.Authorization = `Bearer ${await loginToken(user)}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(GATEWAY_URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/**
 * Points the extension's own HTTP client (src/api/client.ts) at the KubeSphere gateway as `username`: the same
 * requests the browser sends through the console, with the token the console's server would add.
 */
export async function useProductApiAs(username: string, baseURL = GATEWAY_URL): Promise<void> {
  const token = await loginToken(username);
  const h = productHttp();
  h.defaults.baseURL = baseURL;
  h.defaults.headers.common.Authorization = `Bearer ${token}`;
  h.defaults.timeout = 20_000;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** The folder a node reads registry trust from (its /etc/containerd/certs.d/<host>). */
export function certsDir(node: string, host: string): string {
  return join(LAB_DIR, 'nodes', node, 'etc', 'containerd', 'certs.d', host);
}
