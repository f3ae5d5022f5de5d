// `npm start`: the whole lab. Prerequisites (Debian packages), the extension build, the real KubeSphere
// console (built once, cached), the API stand-in, the TLS registries, the simulated nodes, then the console
// server. Ctrl-C stops everything it started. e2e's globalSetup calls startLab() the same way.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertPortFree, ensureConsoleBuilt, startConsole, type RunningConsole } from './console/build.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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
}

/** `npm run build` of the extension; a failure is reported, not fatal (the console then lacks the bundle). */
export async function buildExtension(log: Log = defaultLog): Promise<boolean> {
  log('building the extension (npm run build → dist/index.js)');
  const code = await new Promise<number | null>(done => {
    const child = spawn('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('close', exit => {
      if (exit !== 0) log(`extension build failed (exit ${exit}); the console runs without the new bundle:\n${output.split('\n').slice(-15).join('\n')}`);
      done(exit);
    });
  });
  if (code === 0) log('extension built');
  return code === 0;
}

// ---------- optional parts (written by other people; the launcher works as they land) ----------

async function optionalModule<T>(relative: string, what: string, log: Log): Promise<T | undefined> {
  const file = join(REPO_ROOT, relative);
  if (!existsSync(file)) {
    log(`${what}: not available yet (${relative} is missing); continuing without it`);
    return undefined;
  }
  return (await import(pathToFileURL(file).href)) as T;
}

interface ApiServerModule {
  startApiServer(options: { labDir: string; repoRoot: string; port?: number }): Promise<{ url: string; systemToken: string; kubeconfigPath?: string; close(): Promise<void> }>;
}
interface RegistryModule {
  startRegistries(options: { labDir: string }): Promise<{ registries: Array<{ name: string; url: string; host: string; caPath: string }>; close(): Promise<void> }>;
  LAB_USERS: Array<{ username: string; password: string }>;
}
interface NodesModule {
  startNodes(options: { labDir: string; apiUrl: string; token?: string }): Promise<{
    nodes: import('./nodes/pull').NodeHandle[];
    images: import('./nodes/pull').ImageStore;
    close(): Promise<void>;
  }>;
}

// ---------- the lab ----------

export interface LabOptions {
  labDir?: string;
  consolePort?: number;
  apiPort?: number;
  /** Check/install the Debian packages (default true). */
  prerequisites?: boolean;
  /** Run `npm run build` of the extension first (default true). */
  buildExtension?: boolean;
  log?: Log;
}

export interface RunningLab {
  labDir: string;
  consoleUrl: string;
  apiUrl?: string;
  kubeconfigPath?: string;
  registries: Array<{ name: string; url: string; host: string }>;
  timings: Record<string, number>;
  close(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const log = options.log ?? defaultLog;
  const labDir = options.labDir ?? labDirFromEnv();
  const consolePort = options.consolePort ?? envPort('HC_CONSOLE_PORT', 8000);
  const apiPort = options.apiPort ?? envPort('HC_API_PORT', 9090);
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
    // Fail before the long steps when the console's port is taken.
    await assertPortFree(consolePort);
    if (options.prerequisites ?? true) await timed('prerequisites', () => ensurePrerequisites(log));
    if (options.buildExtension ?? true) await timed('extension', () => buildExtension(log));
    const { distDir } = await timed('console-build', () => ensureConsoleBuilt({ log: line => log(`console: ${line}`) }));

    let apiUrl: string | undefined;
    let kubeconfigPath: string | undefined;
    let systemToken: string | undefined;
    const apiModule = await optionalModule<ApiServerModule>('lab/apiserver/src/server.ts', 'API stand-in', log);
    if (apiModule) {
      const api = await timed('apiserver', () => apiModule.startApiServer({ labDir, repoRoot: REPO_ROOT, port: apiPort }));
      stops.push({ name: 'API stand-in', close: () => api.close() });
      ({ url: apiUrl, kubeconfigPath, systemToken } = api);
      log(`API stand-in at ${apiUrl}`);
    }

    let registries: RunningLab['registries'] = [];
    let preloadSource: import('./nodes/preload').PreloadSource | undefined;
    const registryModule = await optionalModule<RegistryModule>('lab/registry/index.ts', 'registries', log);
    if (registryModule) {
      const running = await timed('registries', () => registryModule.startRegistries({ labDir }));
      stops.push({ name: 'registries', close: () => running.close() });
      registries = running.registries.map(({ name, url, host }) => ({ name, url, host }));
      const harbor = running.registries.find(r => r.name === 'harbor');
      if (harbor) {
        const [admin] = registryModule.LAB_USERS;
        preloadSource = { host: harbor.host, caPem: readFileSync(harbor.caPath, 'utf8'), credentials: { username: admin.username, password: admin.password } };
      }
    }

    const nodesModule = await optionalModule<NodesModule>('lab/nodes/index.ts', 'nodes', log);
    if (nodesModule && apiUrl) {
      const nodes = await timed('nodes', () => nodesModule.startNodes({ labDir, apiUrl: apiUrl!, token: systemToken }));
      stops.push({ name: 'nodes', close: () => nodes.close() });
      if (preloadSource) {
        // The trust installer's default image (busybox:1.36 from Docker Hub) is out of reach here: the nodes
        // hold it pre-loaded, as an air-gapped cluster's nodes would (lab/nodes/preload.ts).
        const { preloadImages } = await import('./nodes/preload');
        await timed('preload', () => preloadImages(nodes.nodes, nodes.images, join(labDir, 'preload'), preloadSource!));
      }
    }

    const consoleApi = apiUrl ?? `http://127.0.0.1:${apiPort}`;
    const running: RunningConsole = await timed('console', () =>
      startConsole({ port: consolePort, apiUrl: consoleApi, distDir, stateDir: join(labDir, 'console'), log: line => log(`console: ${line}`) }),
    );
    stops.push({ name: 'console', close: () => running.close() });
    return { labDir, consoleUrl: running.url, apiUrl, kubeconfigPath, registries, timings, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** True when a lab answers on these ports (console login page and API /version). */
export async function labIsRunning(consolePort = envPort('HC_CONSOLE_PORT', 8000), apiPort = envPort('HC_API_PORT', 9090)): Promise<boolean> {
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
  const [console_, api] = await Promise.all([ok(`http://127.0.0.1:${consolePort}/login`), ok(`http://127.0.0.1:${apiPort}/kapis/version`)]);
  return console_ && api;
}

async function main(): Promise<void> {
  const started = Date.now();
  const lab = await startLab();
  const { LAB_ACCOUNTS, LAB_PASSWORD } = await import('./apiserver/src/kubesphere/accounts');
  const lines = [
    '',
    `Harbor Connect lab is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${lab.consoleUrl}`,
    '',
    `Logins (password ${LAB_PASSWORD} for all):`,
    ...LAB_ACCOUNTS.map(account => `  ${account.name.padEnd(14)} ${account.description}`),
    '',
    ...(lab.apiUrl ? [`API stand-in: ${lab.apiUrl}${lab.kubeconfigPath ? `   kubectl: KUBECONFIG=${lab.kubeconfigPath} kubectl get ns` : ''}`] : []),
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
