// Debian's containerd, run by the lab with its own root, state and socket (nothing of the system's is touched).
// One daemon serves every simulated node: node isolation comes from a containerd namespace per node and from each
// pull using that node's own certs.d folder.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CtrResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningContainerd {
  socket: string;
  /** <labDir>/containerd */
  dir: string;
  snapshotter: string;
  /** e.g. "1.6.20~ds1": what nodes report as containerd://<version>. */
  version: string;
  ctr(namespace: string, args: string[], options?: { timeoutMs?: number }): Promise<CtrResult>;
  close(): Promise<void>;
}

function which(binary: string): string | undefined {
  const res = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const path = res.stdout.trim();
  return res.status === 0 && path ? path : undefined;
}

/** containerd and ctr are both installed (Debian package containerd). */
export function containerdAvailable(): boolean {
  return Boolean(which(process.env.HC_CONTAINERD ?? 'containerd') && which(process.env.HC_CTR ?? 'ctr'));
}

/** Unix socket paths are limited to 108 bytes; a deep lab dir gets a short socket folder under the temp dir. */
function socketPath(dir: string): string {
  const preferred = join(dir, 'containerd.sock');
  if (Buffer.byteLength(preferred) < 100) return preferred;
  const short = join(tmpdir(), `hc-ctd-${createHash('sha256').update(dir).digest('hex').slice(0, 10)}`);
  mkdirSync(short, { recursive: true });
  return join(short, 'containerd.sock');
}

export function runCtr(socket: string, namespace: string, args: string[], timeoutMs = 120_000): Promise<CtrResult> {
  const ctr = process.env.HC_CTR ?? 'ctr';
  return new Promise((resolve) => {
    execFile(ctr, ['-a', socket, '-n', namespace, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
        const timedOut = error && (error as { killed?: boolean }).killed;
        resolve({ code, stdout, stderr: timedOut ? `${stderr}\nctr: timed out after ${timeoutMs} ms` : stderr });
      });
  });
}

const DISABLED_PLUGINS = [
  // The kubelet stand-in talks to containerd through ctr, not CRI; and only the overlayfs/native snapshotters work here.
  'io.containerd.grpc.v1.cri',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.runtime.v1.linux',
];

function configToml(dir: string, socket: string): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    'version = 2',
    `root = ${q(join(dir, 'root'))}`,
    `state = ${q(join(dir, 'state'))}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(q).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${q(socket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${socket}.ttrpc`)}`,
    '',
    '[debug]',
    '  address = ""',
    '  level = "warn"',
    '',
    '[metrics]',
    '  address = ""',
    '',
    '[plugins]',
    '  [plugins."io.containerd.internal.v1.opt"]',
    `    path = ${q(join(dir, 'opt'))}`,
    '',
  ].join('\n');
}

export interface StartContainerdOptions {
  labDir: string;
  timeoutMs?: number;
}

export async function startContainerd({ labDir, timeoutMs = 20_000 }: StartContainerdOptions): Promise<RunningContainerd> {
  const dir = join(labDir, 'containerd');
  mkdirSync(dir, { recursive: true });
  const socket = socketPath(dir);
  if (existsSync(socket)) {
    const probe = await runCtr(socket, 'default', ['version'], 3000);
    if (probe.code === 0) {
      throw new Error(`containerd is already running on ${socket} (another lab with the same HC_LAB_DIR?). Stop it first.`);
    }
    rmSync(socket, { force: true });
    rmSync(`${socket}.ttrpc`, { force: true });
  }
  const configPath = join(dir, 'config.toml');
  writeFileSync(configPath, configToml(dir, socket));
  const binary = process.env.HC_CONTAINERD ?? 'containerd';
  const log = createWriteStream(join(dir, 'containerd.log'), { flags: 'a' });
  const child: ChildProcess = spawn(binary, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (c: Buffer) => {
    log.write(c);
    tail = (tail + c.toString('utf8')).slice(-3000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      tail += `\n${e.message}`;
      exitCode = -1;
      resolve();
    });
    child.once('exit', (code) => {
      exitCode = code ?? -1;
      log.end();
      resolve();
    });
  });
  const close = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(socket, { force: true });
  };

  const deadline = Date.now() + timeoutMs;
  let version = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`containerd exited (${exitCode}) during start: ${tail.trim()}`);
    if (existsSync(socket)) {
      const res = await runCtr(socket, 'default', ['version'], 3000);
      if (res.code === 0) {
        version = /Server:[\s\S]*?Version:\s*(\S+)/.exec(res.stdout)?.[1] ?? '';
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!version) {
    await close();
    throw new Error(`containerd did not answer on ${socket} within ${timeoutMs} ms: ${tail.trim()}`);
  }
  const plugins = await runCtr(socket, 'default', ['plugins', 'ls'], 5000);
  const overlayOk = /io\.containerd\.snapshotter\.v1\s+overlayfs\s+\S+\s+ok/.test(plugins.stdout);
  const snapshotter = process.env.HC_CONTAINERD_SNAPSHOTTER ?? (overlayOk ? 'overlayfs' : 'native');
  return {
    socket,
    dir,
    snapshotter,
    version,
    ctr: (namespace, args, options) => runCtr(socket, namespace, args, options?.timeoutMs),
    close,
  };
}
