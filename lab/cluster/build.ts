// Builds the lab's Go binaries from lab/cluster (go.mod pins every upstream version) into a cache outside git,
// keyed by what decides their content: go.mod, go.sum, our Go sources and the Go toolchain.
//   labcluster  etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, the KubeSphere gateway
//   helm        the real Helm CLI (go.mod's `tool helm.sh/helm/v3/cmd/helm`)
//   pause       the static sandbox process packed into the nodes' pause image
// `npx tsx lab/cluster/build.ts` builds (if needed) and prints the folder.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLUSTER_DIR = dirname(fileURLToPath(import.meta.url));

type Log = (line: string) => void;

export interface ClusterBinaries {
  dir: string;
  labcluster: string;
  helm: string;
  pause: string;
}

/** The version a `require` line of go.mod pins, e.g. moduleVersion('k8s.io/kubernetes') → 'v1.31.14'. */
export function moduleVersion(module: string): string {
  const goMod = readFileSync(join(CLUSTER_DIR, 'go.mod'), 'utf8');
  const match = new RegExp(`^\\s*${module.replace(/[.]/g, '\\.')}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match) throw new Error(`lab/cluster/go.mod does not require ${module}`);
  return match[1]!;
}

function goVersion(): string {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error('Go is not installed (the lab builds Kubernetes from its Go modules): install Go 1.26 or newer');
  }
  return result.stdout.trim();
}

/** Files that go into the binaries: Go sources (not tests) and what they embed; the TypeScript beside them does not. */
function buildInputs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Charts (ks-core, demo) and test data are read at run time, not compiled in.
      if (!['testdata', 'ks-core', 'demo'].includes(entry.name)) out.push(...buildInputs(path));
    } else if (!/(_test\.go|\.ts|\.md)$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** sha256 of `go version` and every build input (go.mod and go.sum included). */
export function clusterCacheKey(): string {
  const hash = createHash('sha256');
  hash.update(goVersion());
  for (const file of buildInputs(CLUSTER_DIR)) {
    hash.update(`\0${relative(CLUSTER_DIR, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

export function cacheRoot(): string {
  return process.env.HC_CACHE_DIR || join(homedir(), '.cache', 'harbor-connect');
}

function binariesIn(dir: string): ClusterBinaries {
  return { dir, labcluster: join(dir, 'labcluster'), helm: join(dir, 'helm'), pause: join(dir, 'pause') };
}

/** Version stamps, as each project's own release build sets them (their Makefiles' -X flags). */
function ldflags(): { labcluster: string; helm: string } {
  const k8s = moduleVersion('k8s.io/kubernetes');
  const [major, minor] = k8s.replace(/^v/, '').split('.');
  const stamp = (pkg: string) =>
    [`-X ${pkg}.gitVersion=${k8s}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`, `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`].join(' ');
  const helmVersion = moduleVersion('helm.sh/helm/v3');
  const helm = [
    `-X helm.sh/helm/v3/internal/version.version=${helmVersion}`,
    '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
    // Helm's Makefile stamps the Kubernetes version its client libraries come from: `.Capabilities.KubeVersion`
    // of `helm template` and `helm lint` default to it.
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${major}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${major}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}`,
  ].join(' ');
  return { labcluster: `-s -w ${stamp('k8s.io/component-base/version')} ${stamp('k8s.io/client-go/pkg/version')}`, helm: `-s -w ${helm}` };
}

function goBuild(args: string[], env: NodeJS.ProcessEnv, log: Log, what: string): Promise<void> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn('go', ['build', ...args], { cwd: CLUSTER_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    const beat = setInterval(() => log(`  still building ${what} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    child.on('error', error => {
      clearInterval(beat);
      fail(error);
    });
    child.on('close', code => {
      clearInterval(beat);
      if (code === 0) {
        log(`  ${what}: ${Math.round((Date.now() - started) / 1000)} s`);
        done();
      } else fail(new Error(`go build ${what} failed (exit ${code}):\n${output.split('\n').slice(-30).join('\n')}`));
    });
  });
}

/** The binaries of the current key, which must be built already (the lab that is running built them). */
export function clusterBinaries(): ClusterBinaries {
  const bins = binariesIn(join(cacheRoot(), `cluster-${clusterCacheKey()}`));
  if (![bins.labcluster, bins.helm, bins.pause].every(file => existsSync(file))) {
    throw new Error(`the lab's binaries for this source are not built: run \`npm run lab:build\` (${bins.dir})`);
  }
  return bins;
}

/**
 * Builds what is missing for the current key; returns the binaries. No -trimpath: `go vet` and `go test` of lab/cluster
 * (npm test) then share the compiled packages in Go's build cache, and the build only links. Concurrent callers
 * build into their own temp dir.
 */
export async function ensureClusterBinaries(log: Log = line => console.log(`[lab] ${line}`)): Promise<ClusterBinaries> {
  const key = clusterCacheKey();
  const dir = join(cacheRoot(), `cluster-${key}`);
  const ready = binariesIn(dir);
  if ([ready.labcluster, ready.helm, ready.pause].every(file => existsSync(file))) return ready;

  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = binariesIn(tmp);
  const flags = ldflags();
  log(`building Kubernetes ${moduleVersion('k8s.io/kubernetes')}, etcd, Helm ${moduleVersion('helm.sh/helm/v3')} and the KubeSphere gateway from lab/cluster`);
  log('  (the first build compiles them from source: about 6 minutes on 2 cores; later starts reuse the cache)');
  try {
    await goBuild(['-ldflags', flags.labcluster, '-o', out.labcluster, './cmd/labcluster'], {}, log, 'labcluster');
    await goBuild(['-ldflags', flags.helm, '-o', out.helm, 'helm.sh/helm/v3/cmd/helm'], {}, log, 'helm');
    await goBuild(['-ldflags', '-s -w', '-o', out.pause, './cmd/pause'], { CGO_ENABLED: '0' }, log, 'pause');
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  pruneOldBuilds(key, log);
  return ready;
}

/** Keeps the cache from growing one build per edit: other cluster-* folders older than a day go. */
function pruneOldBuilds(keep: string, log: Log): void {
  const root = cacheRoot();
  for (const name of readdirSync(root)) {
    if (!name.startsWith('cluster-') || name === `cluster-${keep}`) continue;
    const path = join(root, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000) {
        rmSync(path, { recursive: true, force: true });
        log(`removed an old lab build: ${path}`);
      }
    } catch {
      // another process may be removing it
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureClusterBinaries().then(
    bins => console.log(bins.dir),
    error => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
