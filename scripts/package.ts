// npm run package: builds the KubeSphere extension package from extension/ and dist/ (index.js, pages.js) into
// dist-package/<name>/ (an installable chart folder) and dist-package/<name>-<version>.tgz.
// The frontend chart's ConfigMap templates read files/index.js (the JSBundle's start file) and files/pages.js,
// each the built file byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface PackageResult {
  chartDir: string;
  tgz: string;
  name: string;
  version: string;
}

interface ExtensionManifest {
  name: string;
  version: string;
  description: { en: string; zh?: string };
  kubeVersion?: string;
  dependencies?: Array<{ name: string; tags?: string[] }>;
}

export function buildPackage(outDir = join(root, 'dist-package'), bundlePath = join(root, 'dist', 'index.js')): PackageResult {
  const pagesPath = join(dirname(bundlePath), 'pages.js');
  for (const p of [bundlePath, pagesPath]) if (!existsSync(p)) throw new Error(`${p} is missing: run npm run build first`);
  const src = join(root, 'extension');
  const manifest = parse(readFileSync(join(src, 'extension.yaml'), 'utf8')) as ExtensionManifest;
  const { name, version } = manifest;

  rmSync(outDir, { recursive: true, force: true });
  const chartDir = join(outDir, name);
  mkdirSync(outDir, { recursive: true });
  cpSync(src, chartDir, { recursive: true });

  const filesDir = join(chartDir, 'charts', 'frontend', 'files');
  mkdirSync(filesDir, { recursive: true });
  copyFileSync(bundlePath, join(filesDir, 'index.js'));
  copyFileSync(pagesPath, join(filesDir, 'pages.js'));

  writeChartYaml(chartDir, manifest);

  // Reproducible archive: sorted names, fixed times and owners, gzip without a timestamp.
  const tgz = join(outDir, `${name}-${version}.tgz`);
  const tar = execFileSync(
    'tar',
    ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', outDir, '-cf', '-', name],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(tgz, execFileSync('gzip', ['-n', '-9', '-c'], { input: tar, maxBuffer: 64 * 1024 * 1024 }));
  return { chartDir, tgz, name, version };
}

/**
 * The top-level Chart.yaml, made from extension.yaml the way ksbuilder makes it when it packages or publishes,
 * so the folder and the .tgz install with plain helm too.
 */
export function writeChartYaml(chartDir: string, manifest?: ExtensionManifest): void {
  const m = manifest ?? (parse(readFileSync(join(chartDir, 'extension.yaml'), 'utf8')) as ExtensionManifest);
  const deps = (m.dependencies ?? []).map((d) => {
    const sub = parse(readFileSync(join(chartDir, 'charts', d.name, 'Chart.yaml'), 'utf8')) as { version: string };
    return { name: d.name, version: sub.version, tags: d.tags };
  });
  const chart = {
    apiVersion: 'v2',
    name: m.name,
    version: m.version,
    appVersion: m.version,
    description: m.description.en,
    type: 'application',
    ...(m.kubeVersion ? { kubeVersion: m.kubeVersion } : {}),
    dependencies: deps,
  };
  writeFileSync(join(chartDir, 'Chart.yaml'), stringify(chart));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildPackage();
  const sha = createHash('sha256').update(readFileSync(r.tgz)).digest('hex');
  console.log(`chart folder: ${r.chartDir}`);
  console.log(`archive:      ${r.tgz} (sha256 ${sha})`);
}
