// The real KubeSphere 4.1.1 console for the lab: installed from @ks-console/* on npm (this folder's own
// package.json + lockfile), built once with `ksc build:prod` into a cache outside git, served by
// @ks-console/server against the lab's API stand-in.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(CONSOLE_DIR, '../..');

/** Files whose content decides what `ksc build:prod` emits: a change in any of them means a new build. */
const BUILD_INPUTS = [
  'package-lock.json',
  '.npmrc',
  'babel.config.js',
  'tsconfig.json',
  'tsconfig.base.json',
  'configs/webpack.config.js',
];

/** Written into node_modules after a successful `npm ci`, so a changed lockfile triggers a fresh install. */
const DEPS_STAMP = 'node_modules/.hc-lock-sha256';

type Log = (line: string) => void;
const defaultLog: Log = line => console.log(`[console] ${line}`);

function sha256(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** sha256 over the lockfile and the build configuration, each file named so a move between files counts. */
export function consoleCacheKey(): string {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(CONSOLE_DIR, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function consoleCacheRoot(): string {
  return process.env.HC_CACHE_DIR || join(homedir(), '.cache', 'harbor-connect');
}

export function consoleDistDir(key = consoleCacheKey()): string {
  return join(consoleCacheRoot(), `console-${key}`, 'dist');
}

function lockSha(): string {
  return sha256(readFileSync(join(CONSOLE_DIR, 'package-lock.json')));
}

function depsAreCurrent(): boolean {
  const stamp = join(CONSOLE_DIR, DEPS_STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockSha();
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(opts.logFile, { flags: 'a' });
    // Own process group, so Ctrl-C in the launcher can take the whole tree down.
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stopChild = () => killGroup(child, 'SIGTERM');
    process.once('exit', stopChild);
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.once('error', reject);
    child.once('close', code => {
      process.removeListener('exit', stopChild);
      out.end();
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}; see ${opts.logFile}:\n${tailOf(opts.logFile)}`));
    });
  });
}

function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** `npm ci` when node_modules is missing or was installed from another lockfile. */
export async function ensureConsoleDeps(log: Log = defaultLog): Promise<void> {
  if (depsAreCurrent()) return;
  const logFile = join(consoleCacheRoot(), 'console-npm-ci.log');
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  log(`installing the console's packages (npm ci in lab/console, about 2 minutes, ~730 MB); log: ${logFile}`);
  const started = Date.now();
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: CONSOLE_DIR, logFile });
  writeFileSync(join(CONSOLE_DIR, DEPS_STAMP), `${lockSha()}\n`);
  log(`packages installed in ${seconds(started)}`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

function isBuilt(distDir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(distDir, 'manifest.json'), 'utf8')) as Record<string, string>;
    return typeof manifest['main.js'] === 'string' && existsSync(join(distDir, manifest['main.js'].replace(/^\/dist\//, '')));
  } catch {
    return false;
  }
}

/** A lock directory (pid inside, stale when that pid is gone), so two lab starts do not build at once. */
async function withBuildLock<T>(lockDir: string, log: Log, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (let waitedLogged = false; ; ) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSync(join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (!holder || !isAlive(holder)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!waitedLogged) log(`another process (pid ${holder}) is building this console; waiting for it`);
      waitedLogged = true;
      await new Promise(r => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs the console's packages when needed and builds the production console once per cache key.
 * The build (about 4 minutes, 3.4 GB peak on 2 cores) lands in
 * `${HC_CACHE_DIR:-~/.cache/harbor-connect}/console-<key>/dist` and is reused while the key holds.
 */
export async function ensureConsoleBuilt(options: { log?: Log } = {}): Promise<{ distDir: string; built: boolean }> {
  const log = options.log ?? defaultLog;
  await ensureConsoleDeps(log);
  const key = consoleCacheKey();
  const distDir = consoleDistDir(key);
  if (isBuilt(distDir)) {
    log(`using the cached console build ${distDir}`);
    return { distDir, built: false };
  }
  const entryDir = dirname(distDir);
  // ksc always writes <this folder>/dist: one build per work tree at a time, whatever the cache key.
  const lock = join(consoleCacheRoot(), `build-${sha256(CONSOLE_DIR).slice(0, 16)}.lock`);
  return withBuildLock(lock, log, async () => {
    if (isBuilt(distDir)) return { distDir, built: false };
    const logFile = join(consoleCacheRoot(), `console-${key}.build.log`);
    writeFileSync(logFile, '');
    log(`building the KubeSphere 4.1.1 console (ksc build:prod, about 4 minutes, ~3.4 GB of memory); log: ${logFile}`);
    const started = Date.now();
    const ticker = setInterval(() => log(`still building (${seconds(started)})`), 30_000);
    const localDist = join(CONSOLE_DIR, 'dist');
    try {
      rmSync(localDist, { recursive: true, force: true });
      await run(process.execPath, [join(CONSOLE_DIR, 'node_modules/@ks-console/bootstrap/cli/index.js'), 'build:prod'], {
        cwd: CONSOLE_DIR,
        env: { ...process.env, NODE_ENV: 'production' },
        logFile,
      });
    } finally {
      clearInterval(ticker);
    }
    // ksc exits 0 even when webpack reports errors: judge by what it emitted.
    if (!isBuilt(localDist)) {
      throw new Error(`ksc build:prod finished but emitted no usable console (no dist/manifest.json main.js); see ${logFile}:\n${tailOf(logFile)}`);
    }
    mkdirSync(entryDir, { recursive: true });
    const staging = `${distDir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    try {
      renameSync(localDist, staging);
    } catch {
      // The cache may be on another filesystem than the work tree.
      cpSync(localDist, staging, { recursive: true });
      rmSync(localDist, { recursive: true, force: true });
    }
    rmSync(distDir, { recursive: true, force: true });
    renameSync(staging, distDir);
    log(`console built in ${seconds(started)} → ${distDir}`);
    return { distDir, built: true };
  });
}

export interface RunningConsole {
  url: string;
  pid: number;
  logFile: string;
  close(): Promise<void>;
}

export interface StartConsoleOptions {
  port: number;
  /** The API stand-in, e.g. http://127.0.0.1:9090 */
  apiUrl: string;
  distDir: string;
  /** Where the generated config, the dist link and the server log go (default <HC_LAB_DIR or repo/.lab>/console). */
  stateDir?: string;
  log?: Log;
}

/** Rejects with a clear message when `port` is taken (probed as the console binds: all interfaces). */
export function assertPortFree(port: number, what = 'console', envVar = 'HC_CONSOLE_PORT'): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`${what}: port ${port} is already in use (another lab running?). Stop it, or set ${envVar} to a free port.`)
          : error,
      );
    });
    probe.listen(port, () => probe.close(() => resolvePromise()));
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise(resolvePromise => {
    const req = request(url, { method: 'GET', timeout: 2000 }, res => {
      res.resume();
      resolvePromise(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolvePromise(false));
    req.end();
  });
}

/** Signals the child's whole process group; `evenIfExited` also reaches grandchildren left behind. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * npm has the console at 4.1.1 only; the lab's KubeSphere API is v4.1.3's. Console 4.1.3 (kubesphere/console
 * 70be879fd, "update version api url") reads the version at login from `/version`, which ks-apiserver 4.1.3
 * leaves open to every user; 4.1.1 reads `/kapis/version`, which 4.1.3 authorizes like any path (a project admin
 * is refused, and the 4.1.1 server then fails the login). The lab's console server gets that one change, as
 * the console KubeSphere 4.1.3 ships has it. Idempotent; fails loudly if the line is not where 4.1.1 has it.
 */
export function pairConsoleServerWithKubeSphere413(serverDir = join(CONSOLE_DIR, 'node_modules/@ks-console/server')): void {
  const file = join(serverDir, 'services/session.js');
  const text = readFileSync(file, 'utf8');
  const old = "url: `/kapis/version`,";
  if (!text.includes(old)) {
    if (text.includes("url: `/version`,")) return;
    throw new Error(`${file}: the /kapis/version call of console 4.1.1 is not there; check the console version`);
  }
  writeFileSync(file, text.replace(old, "url: `/version`,"));
}

/**
 * Lays out the server's working directory: `configs/local_config.yaml` (read from the cwd) and `dist/`
 * (manifest.json is read from the cwd too). `dist/` links every entry of the cached build and adds an empty
 * DLL: the production page always loads `/dist/dll/<common.js>`; without a DLL build that URL renders the HTML
 * page (two "Unexpected token '<'" errors) and, before login, becomes the login referer, so users landed on
 * /dist/dll/ after logging in. KubeSphere's own image ships a DLL; ours is empty because vendor.js already
 * holds those modules (the production build does not reference a DLL).
 */
function prepareStateDir(stateDir: string, port: number, apiUrl: string, distDir: string): void {
  const serverDir = join(CONSOLE_DIR, 'node_modules/@ks-console/server');
  pairConsoleServerWithKubeSphere413(serverDir);
  const servedDist = join(stateDir, 'dist');
  rmSync(servedDist, { recursive: true, force: true });
  mkdirSync(join(servedDist, 'dll'), { recursive: true });
  for (const entry of readdirSync(distDir)) {
    if (entry !== 'dll') symlinkSync(join(distDir, entry), join(servedDist, entry));
  }
  writeFileSync(join(servedDist, 'dll/manifest.json'), JSON.stringify({ 'common.js': 'common.js' }));
  writeFileSync(join(servedDist, 'dll/common.js'), '/* Harbor Connect lab: empty DLL (the production build keeps these modules in vendor.js). */\n');

  mkdirSync(join(stateDir, 'configs'), { recursive: true });
  const wsUrl = apiUrl.replace(/^http/, 'ws');
  const config = {
    server: {
      http: {
        hostname: 'localhost',
        port,
        // Absolute paths: the server resolves these against its cwd.
        static: { production: { '/public': join(serverDir, 'public'), '/assets': join(distDir, 'assets'), '/dist': servedDist } },
      },
      apiServer: { url: apiUrl, wsUrl },
    },
  };
  // JSON is YAML: no YAML library needed (and a bare import here would resolve into the console's node_modules).
  writeFileSync(join(stateDir, 'configs/local_config.yaml'), `# generated by lab/console/build.mts\n${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Runs `NODE_ENV=production node node_modules/@ks-console/server/server.js` (what ksc-server wraps in nodemon)
 * with a generated config, and resolves once the port answers. close() ends the whole process group.
 */
export async function startConsole(options: StartConsoleOptions): Promise<RunningConsole> {
  const log = options.log ?? defaultLog;
  const { port, apiUrl, distDir } = options;
  if (!isBuilt(distDir)) throw new Error(`console: no built console at ${distDir} (run ensureConsoleBuilt first)`);
  await assertPortFree(port);
  const labDir = process.env.HC_LAB_DIR ? resolve(process.env.HC_LAB_DIR) : join(REPO_ROOT, '.lab');
  const stateDir = options.stateDir ?? join(labDir, 'console');
  prepareStateDir(stateDir, port, apiUrl, distDir);
  const logFile = join(stateDir, 'console.log');
  const out = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [join(CONSOLE_DIR, 'node_modules/@ks-console/server/server.js')], {
    cwd: stateDir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const hardStop = () => killGroup(child, 'SIGKILL');
  process.once('exit', hardStop);
  const exited = new Promise<number | null>(r => child.once('exit', code => r(code)));

  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void exited.then(code => (exitCode = code));
  while (!(await answers(`http://127.0.0.1:${port}/login`))) {
    if (exitCode !== undefined) {
      throw new Error(`console server exited with ${exitCode} before answering; ${logFile}:\n${tailOf(logFile)}`);
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`console server did not answer on port ${port} within 60 s; ${logFile}:\n${tailOf(logFile)}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
  log(`console server (pid ${child.pid}) answering at ${url}; log: ${logFile}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    logFile,
    close() {
      closing ??= (async () => {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        // Anything the server started in its group goes too.
        killGroup(child, 'SIGKILL', true);
        process.removeListener('exit', hardStop);
        out.end();
      })();
      return closing;
    },
  };
}

/** For `tsx lab/console/build.mts`: build (or find) the console and print where it is. */
async function main(): Promise<void> {
  const { distDir, built } = await ensureConsoleBuilt();
  const size = statSync(distDir).isDirectory() ? spawnSync('du', ['-sh', distDir], { encoding: 'utf8' }).stdout.trim() : '';
  console.log(`${built ? 'built' : 'cached'}: ${size || distDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
