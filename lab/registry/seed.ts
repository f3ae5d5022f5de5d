// Pushes the seed images with plain registry API calls (the same calls `docker push` makes), trusting only the lab CA.
import { basicAuth, httpsRequest, type HttpsOptions } from './https';
import { MEDIA_MANIFEST, seedImages, type BuiltImage } from './image';

export interface PushTarget {
  url: string;
  ca: string | Buffer;
  username: string;
  password: string;
  /** For the CN-only legacy certificate, which Node (like Go) refuses for an IP without IP SANs. */
  skipHostnameCheck?: boolean;
}

function call(target: PushTarget, method: string, url: string, extra: Partial<HttpsOptions> = {}) {
  return httpsRequest(new URL(url, target.url).toString(), {
    method,
    ca: target.ca,
    skipHostnameCheck: target.skipHostnameCheck,
    ...extra,
    headers: { Authorization: basicAuth(target.username, target.password), ...(extra.headers ?? {}) },
  });
}

function fail(what: string, res: { status: number; body: Buffer }): never {
  throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
}

export async function manifestExists(target: PushTarget, repository: string, tag: string): Promise<boolean> {
  const res = await call(target, 'HEAD', `/v2/${repository}/manifests/${tag}`, { headers: { Accept: MEDIA_MANIFEST } });
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  fail(`HEAD ${repository}:${tag}`, res);
}

export async function pushImage(target: PushTarget, image: BuiltImage): Promise<void> {
  for (const blob of image.blobs) {
    const head = await call(target, 'HEAD', `/v2/${image.repository}/blobs/${blob.digest}`);
    if (head.status === 200) continue;
    const start = await call(target, 'POST', `/v2/${image.repository}/blobs/uploads/`, { headers: { 'Content-Length': '0' } });
    if (start.status !== 202) fail(`start upload to ${image.repository}`, start);
    const location = String(start.headers.location ?? '');
    const put = new URL(location, target.url);
    put.searchParams.set('digest', blob.digest);
    const done = await call(target, 'PUT', put.toString(), {
      body: blob.data,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.data.length) },
    });
    if (done.status !== 201) fail(`upload ${blob.digest} to ${image.repository}`, done);
  }
  const res = await call(target, 'PUT', `/v2/${image.repository}/manifests/${image.tag}`, {
    body: image.manifest,
    headers: { 'Content-Type': MEDIA_MANIFEST, 'Content-Length': String(image.manifest.length) },
  });
  if (res.status !== 201) fail(`PUT manifest ${image.repository}:${image.tag}`, res);
}

/** Pushes each seed image that the registry does not hold yet; returns the references pushed. */
export async function seedRegistry(target: PushTarget, images: BuiltImage[] = seedImages()): Promise<string[]> {
  const pushed: string[] = [];
  for (const image of images) {
    if (await manifestExists(target, image.repository, image.tag)) continue;
    await pushImage(target, image);
    pushed.push(`${image.repository}:${image.tag}`);
  }
  return pushed;
}
