// Builds the lab's seed images locally (no network): Docker v2 schema 2 manifests whose layers are
// deterministic tar.gz files, so the same image has the same digest on every machine with the same busybox.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createTar, gzip, sha256, type TarEntry } from './tar';

export const MEDIA_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const MEDIA_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface Blob {
  digest: string;
  mediaType: string;
  data: Buffer;
}

export interface BuiltImage {
  repository: string;
  tag: string;
  manifest: Buffer;
  manifestDigest: string;
  /** Config first, then layers in order. */
  blobs: Blob[];
  /** True when the image carries a real static busybox. */
  hasBusybox: boolean;
}

const CREATED = '2024-01-01T00:00:00Z';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** True for an ELF executable without a PT_INTERP program header, i.e. one that runs with no libraries. */
export function isStaticElf(data: Buffer): boolean {
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = data[4] === 2;
  const le = data[5] === 1;
  const u16 = (o: number) => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
  const u32 = (o: number) => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const phoff = is64 ? Number(le ? data.readBigUInt64LE(0x20) : data.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > data.length) return false;
    if (u32(off) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/** The static busybox from Debian's busybox-static package, when installed. */
export function findStaticBusybox(): string | undefined {
  const candidates = [process.env.HC_BUSYBOX, '/bin/busybox', '/usr/bin/busybox'].filter(Boolean) as string[];
  for (const path of candidates) {
    if (existsSync(path) && isStaticElf(readFileSync(path))) return path;
  }
  return undefined;
}

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', s390x: 's390x', ppc64: 'ppc64le' };
  return map[process.arch] ?? process.arch;
}

interface Layer {
  tar: Buffer;
  gz: Buffer;
  createdBy: string;
}

function layer(entries: TarEntry[], createdBy: string): Layer {
  const tar = createTar(entries);
  return { tar, gz: gzip(tar), createdBy };
}

let baseCache: { layer: Layer; hasBusybox: boolean } | undefined;

/** The base layer: a real busybox with its applet links when available, else just a minimal filesystem. */
function baseLayer(): { layer: Layer; hasBusybox: boolean } {
  if (baseCache) return baseCache;
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'dir', path: 'etc' },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'var' },
    { type: 'file', path: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' },
    { type: 'file', path: 'etc/group', data: 'root:x:0:\nnobody:x:65534:\n' },
  ];
  const busybox = findStaticBusybox();
  if (busybox) {
    entries.push({ type: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 });
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' })
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s && s !== 'busybox' && /^[\w.[-]+$/.test(s))
      .sort();
    for (const applet of applets) entries.push({ type: 'symlink', path: `bin/${applet}`, target: 'busybox' });
  }
  baseCache = {
    layer: layer(entries, busybox ? `ADD busybox (static, ${busybox}) /bin/` : 'ADD minimal rootfs (no static busybox on this host)'),
    hasBusybox: Boolean(busybox),
  };
  return baseCache;
}

function build(repository: string, tag: string, layers: Layer[], cmd: string[], hasBusybox: boolean): BuiltImage {
  const config = Buffer.from(
    JSON.stringify({
      architecture: goArch(),
      os: 'linux',
      created: CREATED,
      config: { Env: [PATH_ENV], Cmd: cmd, Labels: { 'io.harbor-connect.lab': 'true' } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar)) },
      history: layers.map((l) => ({ created: CREATED, created_by: l.createdBy })),
    }),
  );
  const configBlob: Blob = { digest: sha256(config), mediaType: MEDIA_CONFIG, data: config };
  const layerBlobs: Blob[] = layers.map((l) => ({ digest: sha256(l.gz), mediaType: MEDIA_LAYER, data: l.gz }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_MANIFEST,
      config: { mediaType: MEDIA_CONFIG, size: config.length, digest: configBlob.digest },
      layers: layerBlobs.map((b) => ({ mediaType: b.mediaType, size: b.data.length, digest: b.digest })),
    }),
  );
  return { repository, tag, manifest, manifestDigest: sha256(manifest), blobs: [configBlob, ...layerBlobs], hasBusybox };
}

function releaseLayer(repository: string, tag: string): Layer {
  return layer(
    [
      { type: 'dir', path: 'etc' },
      { type: 'file', path: 'etc/hc-lab-release', data: `Harbor Connect lab image ${repository}:${tag}\n` },
    ],
    `ADD hc-lab-release /etc/ (${repository}:${tag})`,
  );
}

/** The images every lab registry holds. */
export function seedImages(): BuiltImage[] {
  const base = baseLayer();
  const app = layer(
    [
      { type: 'dir', path: 'app' },
      {
        type: 'file',
        path: 'app/run.sh',
        mode: 0o755,
        data: '#!/bin/sh\necho "demo/app 1.0 running"\nwhile true; do sleep 3600; done\n',
      },
      { type: 'dir', path: 'etc' },
      { type: 'file', path: 'etc/hc-lab-release', data: 'Harbor Connect lab image demo/app:1.0\n' },
    ],
    'ADD app /app',
  );
  return [
    build('library/busybox', 'latest', [base.layer, releaseLayer('library/busybox', 'latest')], ['sh'], base.hasBusybox),
    build('library/busybox', '1.36', [base.layer, releaseLayer('library/busybox', '1.36')], ['sh'], base.hasBusybox),
    build('demo/app', '1.0', [base.layer, app], ['/bin/sh', '/app/run.sh'], base.hasBusybox),
  ];
}
