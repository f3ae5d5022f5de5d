// `npm start`: the whole lab. Prerequisites (Debian packages), the extension build, the real KubeSphere console
// (built once, cached), the real Kubernetes control plane and nodes with the KubeSphere gateway (lab/cluster),
// the TLS registries, the extension installed with Helm from its package, then the console server.
// Ctrl-C stops everything it started. e2e's globalSetup calls startLab() the same way.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { hostClusterSpec, joinMemberCluster, kubeSphereJwtSecret, memberClusterSpec, startCluster, type KubeClient, type RunningCluster } from './cluster/index';
import { CLUSTER_DIR } from './cluster/build';
import { assertPortFree, ensureConsoleBuilt, startConsole, type RunningConsole } from './console/build.mjs';
import { startRegistries, type LabRegistry } from './registry/index';
import { serveLabControl } from './control';
import { buildPackage } from '../scripts/package';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What KubeSphere's installer names an extension's Helm release and namespace (extension.yaml name). */
export const EXTENSION_RELEASE = 'harbor-connect';
export const EXTENSION_NAMESPACE = `extension-${EXTENSION_RELEASE}`;

type Log = (line: string) => void;
const defaultLog: Log = line => console.log(`[lab] ${line}`);

export function labDirFromEnv(): string {
  return resolve(process.env.HC_LAB_DIR || join(REPO_ROOT, '.lab'));
}

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

// ---------- prerequisites ----------

/**
 * The Debian packages the lab runs. One list for npm start, the e2e setup and CI: scripts/install-system-deps.sh
 * installs what is missing as root, and otherwise prints the exact apt-get command and fails.
 */
export function ensurePrerequisites(log: Log = defaultLog): void {
  const script = join(REPO_ROOT, 'scripts', 'install-system-deps.sh');
  const result = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) throw new Error(`Debian packages missing:\n${output}`);
  if (output && !/all present/.test(output)) log(output.split('\n').slice(-3).join('\n'));
  if (process.getuid?.() !== 0) {
    throw new Error('the lab runs real kubelets and containerd, which need root: run `npm start` as root (e.g. `sudo -E npm start`)');
  }
}

/** `npm run build` of the extension. */
export async function buildExtension(log: Log = defaultLog): Promise<void> {
  log('building the extension (npm run build → dist/index.js)');
  const code = await new Promise<number | null>(done => {
    const child = spawn('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('close', exit => {
      if (exit !== 0) log(`extension build failed (exit ${exit}):\n${output.split('\n').slice(-15).join('\n')}`);
      done(exit);
    });
  });
  if (code !== 0) throw new Error('the extension does not build: see above');
}

/** A cluster the extension is installed in: its name and role as KubeSphere's InstallPlan passes them. */
export type ExtensionTarget = Pick<RunningCluster, 'bins' | 'adminKubeconfig' | 'installerImage'> & { name: string; role: 'host' | 'member' };

function helmUpgrade(target: ExtensionTarget, release: string, chartDir: string, values: string[]): void {
  const result = spawnSync(
    target.bins.helm,
    ['upgrade', '--install', release, chartDir, '--namespace', EXTENSION_NAMESPACE, '--create-namespace', '--wait', '--timeout', '2m', ...values.flatMap(v => ['--set', v])],
    { encoding: 'utf8', env: { ...process.env, KUBECONFIG: target.adminKubeconfig } },
  );
  if (result.status !== 0) throw new Error(`helm upgrade --install ${release} (${target.name}) failed:\n${`${result.stdout}${result.stderr}`.trim()}`);
}

/**
 * Installs the extension as KubeSphere's installer does (installplan_controller.go getOverrides): the package
 * (npm run package → dist-package/) with the real Helm, in `extension-<name>`: the release named after the extension
 * in the host with tags.extension (the console bundle), and the release `<name>-agent` in every cluster it is
 * scheduled on, the host included, with tags.agent and global.clusterInfo (the per-cluster settings).
 * ks-controller-manager's InstallPlan is not run (its module cannot be built here: lab/README.md):
 * `helm upgrade --install` is what its Helm executor Job runs.
 */
export function installExtension(host: ExtensionTarget, members: ExtensionTarget[] = [], log: Log = defaultLog): void {
  const pkg = buildPackage();
  helmUpgrade(host, EXTENSION_RELEASE, pkg.chartDir, ['tags.extension=true', 'tags.agent=false']);
  for (const target of [host, ...members]) {
    helmUpgrade(target, `${EXTENSION_RELEASE}-agent`, pkg.chartDir, [
      'tags.agent=true',
      'tags.extension=false',
      `global.clusterInfo.name=${target.name}`,
      `global.clusterInfo.role=${target.role}`,
      // As an air-gapped cluster's admin does: the installer image from the nodes' own mirror, pinned by digest.
      `agent.installer.image=${target.installerImage}`,
    ]);
  }
  log(`extension ${pkg.name} ${pkg.version} installed with Helm (release ${EXTENSION_RELEASE} in the host, ${EXTENSION_RELEASE}-agent in ${[host, ...members].map(t => t.name).join(', ')}; namespace ${EXTENSION_NAMESPACE})`);
}

// ---------- the lab ----------

export interface LabOptions {
  labDir?: string;
  consolePort?: number;
  /** Check/install the Debian packages (default true). */
  prerequisites?: boolean;
  /** Run `npm run build` of the extension first (default true). */
  buildExtension?: boolean;
  /** Build and start the KubeSphere console (default true; lab integration tests need only the APIs). */
  console?: boolean;
  /** Member clusters to start and join to the host (default HC_LAB_MEMBERS or 0): each adds a control plane and a node. */
  members?: number;
  log?: Log;
}

export interface RunningLab {
  labDir: string;
  /** undefined when started with `console: false`. */
  consoleUrl?: string;
  /** The KubeSphere gateway the console talks to. */
  apiUrl: string;
  /** The real kube-apiserver. */
  kubeApiUrl: string;
  kubeconfigPath: string;
  kube: KubeClient;
  /** Member clusters joined to the host, by name. */
  members: RunningCluster[];
  registries: LabRegistry[];
  timings: Record<string, number>;
  close(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const log = options.log ?? defaultLog;
  const labDir = options.labDir ?? labDirFromEnv();
  const consolePort = options.consolePort ?? envPort('HC_CONSOLE_PORT', 8000);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  const stops: Array<{ name: string; close(): Promise<void> }> = [];
  const close = async () => {
    for (const part of stops.splice(0).reverse()) {
      try {
        await part.close();
      } catch (error) {
        log(`stopping ${part.name}: ${(error as Error).message}`);
      }
    }
  };

  try {
    const withConsole = options.console ?? true;
    // Fail before the long steps when the console's port is taken.
    if (withConsole) await assertPortFree(consolePort);
    if (options.prerequisites ?? true) await timed('prerequisites', () => ensurePrerequisites(log));
    if (options.buildExtension ?? true) await timed('extension', () => buildExtension(log));
    const distDir = withConsole ? (await timed('console-build', () => ensureConsoleBuilt({ log: line => log(`console: ${line}`) }))).distDir : undefined;

    const memberCount = options.members ?? (Number(process.env.HC_LAB_MEMBERS) || 0);
    const memberSpecs = Array.from({ length: memberCount }, (_, i) => memberClusterSpec(labDir, i + 1));
    // The host's workspaces are placed on every member too (their WorkspaceTemplates list them).
    const placement = memberSpecs.length ? [`multicluster.memberClusters={${memberSpecs.map(m => m.name).join(',')}}`] : [];
    const cluster = await timed('cluster', () => startCluster({ labDir, spec: hostClusterSpec(labDir), log, ksCoreValues: placement }));
    stops.push({ name: 'cluster', close: () => cluster.close() });
    if (!cluster.gatewayUrl) throw new Error('the KubeSphere gateway did not start (lab/cluster/ks-core is missing)');

    const members: RunningCluster[] = [];
    for (const spec of memberSpecs) {
      const jwtSecret = await kubeSphereJwtSecret(cluster);
      const member = await timed(spec.name, () =>
        startCluster({ labDir, spec, log, ksCoreValues: [`authentication.jwtSecret=${jwtSecret}`, `multicluster.hostClusterName=${cluster.spec.name}`] }),
      );
      stops.push({ name: spec.name, close: () => member.close() });
      await joinMemberCluster(cluster, member, log);
      members.push(member);
    }

    const control = await serveLabControl(labDir, [cluster, ...members], log);
    stops.push({ name: 'control', close: () => control.close() });

    const registries = await timed('registries', () => startRegistries({ labDir }));
    stops.push({ name: 'registries', close: () => registries.close() });

    await timed('extension-install', () =>
      installExtension(
        { ...cluster, name: cluster.spec.name, role: 'host' },
        members.map(m => ({ ...m, name: m.spec.name, role: 'member' as const })),
        log,
      ),
    );

    let running: RunningConsole | undefined;
    if (distDir) {
      const consoleServer = await timed('console', () =>
        startConsole({ port: consolePort, apiUrl: cluster.gatewayUrl!, distDir, stateDir: join(labDir, 'console'), log: line => log(`console: ${line}`) }),
      );
      running = consoleServer;
      stops.push({ name: 'console', close: () => consoleServer.close() });
    }
    return {
      labDir,
      consoleUrl: running?.url,
      apiUrl: cluster.gatewayUrl,
      kubeApiUrl: cluster.apiServerUrl,
      kubeconfigPath: cluster.adminKubeconfig,
      kube: cluster.kube,
      members,
      registries: registries.registries,
      timings,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * True when a lab answers on these ports: the gateway's /kapis/version, and the console's login page unless
 * `consolePort` is null (the APIs alone are enough for the lab integration tests).
 */
export async function labIsRunning(consolePort: number | null = envPort('HC_CONSOLE_PORT', 8000), apiPort = envPort('HC_API_PORT', 9090)): Promise<boolean> {
  const ok = (url: string) =>
    new Promise<boolean>(done => {
      const req = request(url, { timeout: 2000 }, res => {
        res.resume();
        done((res.statusCode ?? 500) < 500);
      });
      req.once('timeout', () => req.destroy());
      req.once('error', () => done(false));
      req.end();
    });
  const [console_, api] = await Promise.all([consolePort === null ? true : ok(`http://127.0.0.1:${consolePort}/login`), ok(`http://127.0.0.1:${apiPort}/kapis/version`)]);
  return console_ && api;
}

interface LabUserValues {
  name: string;
  description?: string;
}

/** The logins, from the lab's ks-core chart values (one list for the chart and this message). */
export function labLogins(): { password: string; users: LabUserValues[] } {
  const values = parse(readFileSync(join(CLUSTER_DIR, 'ks-core', 'values.yaml'), 'utf8')) as { password?: string; users?: LabUserValues[] };
  return { password: values.password ?? '', users: values.users ?? [] };
}

async function main(): Promise<void> {
  const started = Date.now();
  const lab = await startLab();
  const logins = labLogins();
  const kubeconfig = relative(process.cwd(), lab.kubeconfigPath) || lab.kubeconfigPath;
  const lines = [
    '',
    `Harbor Connect lab is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${lab.consoleUrl}`,
    '',
    `Logins (password ${logins.password} for all):`,
    ...logins.users.map(user => `  ${user.name.padEnd(14)} ${user.description ?? ''}`),
    '',
    `Kubernetes: ${lab.kubeApiUrl}   kubectl: KUBECONFIG=${kubeconfig} kubectl get nodes`,
    `KubeSphere gateway: ${lab.apiUrl}`,
    ...lab.members.map(m => `Member cluster ${m.spec.name}: Kubernetes ${m.apiServerUrl} (KUBECONFIG=${relative(process.cwd(), m.adminKubeconfig)}), KubeSphere ${m.gatewayUrl}`),
    ...lab.registries.map(registry => `Registry ${registry.name}: ${registry.url}`),
    `State: ${lab.labDir} (npm run lab:reset deletes it)`,
    'Ctrl-C stops the lab.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[lab] ${signal}: stopping…`);
    lab.close().then(
      () => process.exit(0),
      error => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error(`[lab] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

