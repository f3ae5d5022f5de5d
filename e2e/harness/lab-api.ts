// The specs' side door into the lab: the real kube-apiserver as lab-admin (client certificate from the lab PKI),
// to set up and check what the UI did, and a per-page language switch.
import type { Page } from '@playwright/test';
import { join, resolve } from 'node:path';
import { kubeClient, type KubeClient } from '../../lab/cluster/kube';
import { expect } from './fixtures';

export const LAB_DIR = resolve(process.env.HC_LAB_DIR ?? '.lab');
/** The lab's registries, as users type them (lab/README.md): the SAN certificate, and the guide's CN-only one. */
export const HARBOR = `harbor.lab.local:${process.env.HC_REGISTRY_PORT || 5443}`;
export const LEGACY = `harbor.lab.local:${process.env.HC_REGISTRY_CN_PORT || 5444}`;
/** What harbor.lab.local resolves to (lab/cluster/network.ts). */
export const LAB_IP = process.env.HC_LAB_IP || '10.222.0.1';
/** The ids the extension derives from those addresses (registryIdFromServerKey). */
export const HARBOR_ID = HARBOR.replace(/[.:]/g, '-');
export const LEGACY_ID = LEGACY.replace(/[.:]/g, '-');
export const KUBE_API_URL = `https://127.0.0.1:${process.env.HC_KUBE_API_PORT || 6443}`;

let client: KubeClient | undefined;

/**
 * One Kubernetes API request as lab-admin (system:masters), straight to kube-apiserver (not through KubeSphere).
 * PATCH defaults to a JSON patch for an array body and a merge patch otherwise. `json` is the parsed body, or its
 * text when it is not JSON.
 */
export async function labApi<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; json: T }> {
  client ??= kubeClient(join(LAB_DIR, 'cluster', 'pki'), KUBE_API_URL);
  return client.request<T>(method, path, body, contentType);
}

export { useLang } from './fixtures';

/** No locale key may show untranslated. */
export async function noRawKeys(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text.match(/HARBOR_CONNECT_[A-Z_]+/g) ?? []).toEqual([]);
}
