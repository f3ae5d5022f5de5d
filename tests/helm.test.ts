// The package as KubeSphere installs it: the real Helm (v3.16.2, built from its Go module by lab/cluster/build.ts)
// lints and renders the output of `npm run package`, and the rendered ConfigMaps give the start file and the pages
// back byte for byte.
// Helm's toJson leaves U+0080..U+009F raw and go-yaml then refuses the manifest ("control characters are not
// allowed"), which is how a non-ASCII bundle ends as InstallFailed on a real cluster.
// The first run builds Helm from source with the lab's binaries (cached in ~/.cache/harbor-connect, about 6 minutes on 2 cores).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureClusterBinaries } from '../lab/cluster/build';
import { buildPackage, writeChartYaml, type PackageResult } from '../scripts/package';
import { PAGES_BUILD_KEY, PAGES_CODE_KEY, PAGES_CONFIGMAP } from '../src/start/pages-configmap';
import { pagesBuildId } from '../vite.config';
import { DEFAULT_INSTALLER_IMAGE, SETTINGS_CONFIGMAP, SETTINGS_INSTALLER_IMAGE } from '../src/domain/trust';

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'index.js');
const pagesFile = join(root, 'dist', 'pages.js');
const NAMESPACE = 'extension-harbor-connect';
const BUILD_TIMEOUT_MS = 20 * 60_000;

let helm: string;
let tmp: string;
let pkg: PackageResult;

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: join(tmp, 'cache'), HELM_CONFIG_HOME: join(tmp, 'config'), HELM_DATA_HOME: join(tmp, 'data') } });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  ({ helm } = await ensureClusterBinaries((line) => console.log(`[helm.test] ${line}`)));
  tmp = mkdtempSync(join(tmpdir(), 'hc-helm-'));
  pkg = buildPackage(join(tmp, 'out'), bundle);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packaged chart with the real Helm', () => {
  it('is Helm v3.16.2', () => {
    expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v3\.16\.2\b/);
  });

  it('passes helm lint', () => {
    const r = run(['lint', pkg.chartDir, '--namespace', NAMESPACE]);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders with helm template, and the ConfigMaps give back dist/index.js and dist/pages.js byte for byte', () => {
    for (const target of [pkg.chartDir, pkg.tgz]) {
      const r = run(['template', 'harbor-connect', target, '--namespace', NAMESPACE]);
      expect(r.status, r.stderr).toBe(0);
      const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any> | null).filter((d): d is Record<string, any> => !!d);
      const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === 'harbor-connect-js-bundle');
      expect(cm, 'ConfigMap harbor-connect-js-bundle').toBeTruthy();
      expect(cm!.metadata.namespace).toBe(NAMESPACE);
      expect(Buffer.from(cm!.data['index.js'], 'utf8').equals(readFileSync(bundle))).toBe(true);
      // The pages, and the build id Helm computes, which must be the one the start file was built with.
      const pages = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === PAGES_CONFIGMAP);
      expect(pages, `ConfigMap ${PAGES_CONFIGMAP}`).toBeTruthy();
      expect(pages!.metadata.namespace).toBe(NAMESPACE);
      expect(Buffer.from(pages!.data[PAGES_CODE_KEY], 'utf8').equals(readFileSync(pagesFile))).toBe(true);
      expect(pages!.data[PAGES_BUILD_KEY]).toBe(pagesBuildId(readFileSync(pagesFile, 'utf8')));
      expect(readFileSync(bundle, 'utf8')).toContain(JSON.stringify(pages!.data[PAGES_BUILD_KEY]));
      // Every signed-in user may read that one ConfigMap, and nothing else, once KubeSphere aggregates the template
      // into its `authenticated` role (selector: v4.1.3 config/ks-core/templates/globalroles.yaml).
      expect(docs.find((d) => d.kind === 'RoleTemplate')).toMatchObject({
        apiVersion: 'iam.kubesphere.io/v1beta1',
        metadata: { name: PAGES_CONFIGMAP, labels: { 'iam.kubesphere.io/scope': 'global', 'iam.kubesphere.io/aggregate-to-authenticated': '' } },
        spec: { rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [PAGES_CONFIGMAP], verbs: ['get'] }] },
      });
      expect(docs.find((d) => d.kind === 'JSBundle')).toMatchObject({
        apiVersion: 'extensions.kubesphere.io/v1alpha1',
        metadata: { name: 'harbor-connect' },
        spec: { rawFrom: { configMapKeyRef: { key: 'index.js', name: 'harbor-connect-js-bundle', namespace: NAMESPACE } } },
        // The CRD has no status subresource: the create body carries the state ks-apiserver serves on.
        status: { link: '/dist/harbor-connect/index.js', state: 'Available' },
      });
    }
  });

  // KubeSphere's own kinds in the rendered chart, kept for lab/cluster/kubesphere's conformance test, which holds
  // them against KubeSphere v4.1.3's CRD schemas (no field pruned, none invalid).
  it('renders KubeSphere objects that KubeSphere\'s CRDs keep whole (fixture of the conformance test)', async () => {
    const r = run(['template', 'harbor-connect', pkg.chartDir, '--namespace', NAMESPACE]);
    expect(r.status, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any> | null).filter((d): d is Record<string, any> => !!d);
    const kubesphere = docs.filter((d) => /\.kubesphere\.io\//.test(d.apiVersion));
    expect(kubesphere.map((d) => d.kind)).toEqual(['JSBundle', 'RoleTemplate']);
    await expect(`${JSON.stringify(kubesphere, null, 2)}\n`).toMatchFileSnapshot('../lab/cluster/kubesphere/testdata/product-objects.chart.json');
  });

  it('renders the settings the bundle reads: the trust installer image, pinned, relocated by global.imageRegistry', () => {
    const settings = (extra: string[] = []) => {
      const r = run(['template', 'harbor-connect', pkg.chartDir, '--namespace', NAMESPACE, ...extra]);
      expect(r.status, r.stderr).toBe(0);
      const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any> | null);
      return docs.find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === SETTINGS_CONFIGMAP) as Record<string, any>;
    };
    expect(settings()).toMatchObject({ metadata: { namespace: NAMESPACE }, data: { [SETTINGS_INSTALLER_IMAGE]: DEFAULT_INSTALLER_IMAGE } });
    // KubeSphere sets global.imageRegistry for air-gapped clusters (InstallPlan controller, ks-core extension.imageRegistry).
    expect(settings(['--set', 'global.imageRegistry=mirror.internal:5000']).data[SETTINGS_INSTALLER_IMAGE]).toBe(
      DEFAULT_INSTALLER_IMAGE.replace(/^docker\.io\//, 'mirror.internal:5000/'),
    );
    const own = `mirror.internal/tools/busybox@sha256:${'b'.repeat(64)}`;
    expect(settings(['--set', `agent.installer.image=${own}`]).data[SETTINGS_INSTALLER_IMAGE]).toBe(own);
    // A tag alone is refused at install time.
    const bad = run(['template', 'harbor-connect', pkg.chartDir, '--namespace', NAMESPACE, '--set', 'agent.installer.image=busybox:latest']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/must be pinned by digest/);
  });

  it('splits as KubeSphere installs it: the bundle once in the host (tags.extension), the settings in every cluster (tags.agent)', () => {
    // installplan_controller.go getOverrides: the main release gets tags.extension=true,tags.agent=false; each
    // scheduled cluster's harbor-connect-agent release gets the opposite, with global.clusterInfo.
    const kinds = (tags: string[]) => {
      const r = run(['template', 'harbor-connect', pkg.chartDir, '--namespace', NAMESPACE, ...tags.flatMap((t) => ['--set', t])]);
      expect(r.status, r.stderr).toBe(0);
      return parseAllDocuments(r.stdout)
        .map((d) => d.toJS() as Record<string, any> | null)
        .filter(Boolean)
        .map((d) => `${d!.kind}/${d!.metadata.name}`)
        .sort();
    };
    expect(kinds(['tags.extension=true', 'tags.agent=false'])).toEqual([
      'ConfigMap/harbor-connect-js-bundle',
      `ConfigMap/${PAGES_CONFIGMAP}`,
      'JSBundle/harbor-connect',
      `RoleTemplate/${PAGES_CONFIGMAP}`,
    ]);
    expect(kinds(['tags.agent=true', 'tags.extension=false', 'global.clusterInfo.name=member-1', 'global.clusterInfo.role=member'])).toEqual([`ConfigMap/${SETTINGS_CONFIGMAP}`]);
  });

  it('refuses the source folder (no built bundle) loudly instead of installing an empty bundle', () => {
    // What `ksbuilder package extension/` would hand to KubeSphere: the source folder with a Chart.yaml made from
    // extension.yaml, but no charts/frontend/files/index.js.
    const src = join(tmp, 'source', 'harbor-connect');
    cpSync(join(root, 'extension'), src, { recursive: true });
    writeChartYaml(src);
    expect(existsSync(join(src, 'charts', 'frontend', 'files', 'index.js'))).toBe(false);
    const r = run(['template', 'harbor-connect', src, '--namespace', NAMESPACE]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/files\/index\.js is missing/);
    expect(r.stderr).toMatch(/npm run package/);
  });
});
