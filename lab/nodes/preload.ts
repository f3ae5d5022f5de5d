// Images the lab's nodes hold before anything is deployed, as nodes of an air-gapped cluster hold images
// loaded by the admin (`ctr images import`). The lab has no route to Docker Hub, yet the trust installer's
// default image is `busybox:1.36` from there: without it every installer pod would sit in ImagePullBackOff.
// Each image is pulled from the lab registry with a scratch trust folder (the nodes' own certs.d stays
// untouched, so "before trust" pulls still fail with x509) and tagged with the name workloads use.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImageReference } from './reference';
import type { Credentials, ImageStore, NodeHandle } from './pull';

export interface PreloadSource {
  /** host:port of the lab registry */
  host: string;
  caPem: string;
  credentials: Credentials;
}

export interface PreloadImage {
  /** repository:tag in the lab registry, e.g. library/busybox:1.36 */
  from: string;
  /** the name workloads use, e.g. busybox:1.36 (docker.io/library/busybox:1.36) */
  as: string;
}

export const DEFAULT_PRELOADS: PreloadImage[] = [{ from: 'library/busybox:1.36', as: 'busybox:1.36' }];

export async function preloadImages(
  nodes: NodeHandle[],
  images: ImageStore,
  scratchDir: string,
  source: PreloadSource,
  wanted: PreloadImage[] = DEFAULT_PRELOADS,
): Promise<void> {
  const scratch: NodeHandle = { name: 'preload', root: scratchDir };
  const certs = join(scratchDir, 'etc', 'containerd', 'certs.d', source.host);
  mkdirSync(certs, { recursive: true });
  writeFileSync(join(certs, 'ca.crt'), source.caPem);
  try {
    for (const image of wanted) {
      const from = parseImageReference(`${source.host}/${image.from}`);
      const as = parseImageReference(image.as);
      for (const node of nodes) {
        if (await images.present(node, as)) continue;
        // Pull into the node's own image namespace, using the scratch folder only for trust.
        const out = await images.pull({ name: node.name, root: scratch.root }, from, source.credentials);
        if (!out.ok) throw new Error(`pre-loading ${image.as} on ${node.name}: ${out.containerdText}`);
        if (!(await images.tag(node, from, as))) throw new Error(`pre-loading ${image.as} on ${node.name}: tag failed`);
        await images.remove(node, from);
      }
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
