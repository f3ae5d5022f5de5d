// The specs' side door into the lab: the Kubernetes API with the lab controller's token (to set up and check
// what the UI did), and a per-page language switch.
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { consoleBaseUrl } from './env';
import { expect } from './fixtures';

export const LAB_DIR = resolve(process.env.HC_LAB_DIR ?? '.lab');
export const API_URL = `http://127.0.0.1:${process.env.HC_API_PORT || 9090}`;

/** Re-read on each call: the API stand-in writes a new token at every start. */
export const labToken = (): string => readFileSync(join(LAB_DIR, 'apiserver', 'system-token'), 'utf8').trim();

/**
 * One API request as the lab controller (cluster-admin). PATCH defaults to a JSON patch for an array body and a
 * merge patch otherwise. `json` is the parsed body, or its text when it is not JSON.
 */
export async function labApi<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; json: T }> {
  const type =
    contentType ?? (method === 'PATCH' ? (Array.isArray(body) ? 'application/json-patch+json' : 'application/merge-patch+json') : 'application/json');
  const res = await fetch(API_URL + path, {
    method,
    headers: { Authorization: `Bearer ${labToken()}`, 'Content-Type': type, Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/**
 * Shows this page in `lang` without changing the stored user (other specs share it): the console takes the
 * language from globals.user.lang as its server renders the page, so the rendered document is rewritten.
 */
export async function useLang(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await page.context().addCookies([{ name: 'lang', value: lang, url: consoleBaseUrl() }]);
  if (lang === 'en') return;
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const res = await route.fetch();
    const body = (await res.text()).replace(/("lang":\s*)"en"/g, '$1"zh"');
    await route.fulfill({ response: res, body });
  });
}

/** No locale key may show untranslated. */
export async function noRawKeys(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text.match(/HARBOR_CONNECT_[A-Z_]+/g) ?? []).toEqual([]);
}
