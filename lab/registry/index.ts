// The lab's real registries: Debian's docker-registry (CNCF Distribution 2.8) over TLS with htpasswd auth.
//  - "harbor": https://harbor.lab.local:5443, certificate signed by the lab CA with proper SANs.
//  - "legacy": https://harbor.lab.local:5444, the guide's self-signed CN-only certificate (fails on modern nodes).
// Both listen on the lab's own address (lab/cluster/network.ts), where nodes and the KubeSphere gateway reach
// them by name, as a cluster reaches a Harbor.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { httpsRequest } from './https';
import { ensureRegistryMaterial, LAB_USERS, type RegistryMaterial } from './material';
import { defaultLabDir, envPort } from './paths';
import { seedRegistry } from './seed';
import { ensureLabAddress, LAB_IP, REGISTRY_HOSTNAME } from '../cluster/network';

export { ensureRegistryMaterial, LAB_USERS, SERVER_SANS } from './material';
export type { LabUser, RegistryMaterial } from './material';
export { seedImages, findStaticBusybox } from './image';
export { seedRegistry, pushImage, manifestExists } from './seed';
export { httpsRequest, basicAuth } from './https';
export { defaultLabDir, REPO_ROOT } from './paths';

export interface LabRegistry {
  name: 'harbor' | 'legacy';
  /** https://harbor.lab.local:<port> */
  url: string;
  /** host:port, as it appears in image references and certs.d folder names. */
  host: string;
  port: number;
  /** The file a node must trust: the lab CA for "harbor", the self-signed certificate itself for "legacy". */
  caPath: string;
  /** The registry's own log (warn level), for diagnosing a failed start. */
  logPath: string;
  /** References seeded by this start (empty when they were already there). */
  seeded: string[];
}

export interface StartRegistriesOptions {
  labDir?: string;
  /** Default HC_REGISTRY_PORT or 5443; 0 picks a free port (tests). */
  port?: number;
  /** Default HC_REGISTRY_CN_PORT or 5444; 0 picks a free port. */
  legacyPort?: number;
  /** Push the seed images when absent (default true). */
  seed?: boolean;
  /** Which registries to run (default both). */
  only?: Array<LabRegistry['name']>;
  binary?: string;
}

export interface RunningRegistries {
  registries: LabRegistry[];
  material: RegistryMaterial;
  close(): Promise<void>;
}

/** Resolves with the port when it is free on `address` (0 → a free one), else rejects with a clear message. */
export function claimPort(port: number, what: string, address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`${what}: port ${port} on ${address} is already in use. Is another lab (or registry) running? ` +
          `Stop it or choose another port with the environment variable shown.`));
      } else reject(error);
    });
    server.listen(port, address, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  tail: () => string;
}

function spawnRegistry(binary: string, configPath: string, logPath: string): Proc {
  const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath, { flags: 'a' });
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      tail += error.code === 'ENOENT' ? `\n${binary} not found (Debian package docker-registry)` : `\n${error.message}`;
      resolve(-1);
    });
    child.once('exit', (code) => {
      log.end();
      resolve(code);
    });
  });
  return { child, exited, tail: () => tail };
}

async function waitForV2(url: string, ca: Buffer, skipHostnameCheck: boolean, proc: Proc, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c ?? -1));
  let last = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`docker-registry for ${url} exited (${exitCode}): ${proc.tail().trim()}`);
    try {
      const res = await httpsRequest(`${url}/v2/`, { ca, skipHostnameCheck, timeoutMs: 2000 });
      if (res.status === 401) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`docker-registry at ${url} did not answer /v2/ with 401 within ${timeoutMs} ms (last: ${last}); log: ${proc.tail().trim()}`);
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 3000);
  await proc.exited;
  clearTimeout(timer);
}

export async function startRegistries(options: StartRegistriesOptions = {}): Promise<RunningRegistries> {
  const labDir = options.labDir ?? defaultLabDir();
  ensureLabAddress();
  const material = ensureRegistryMaterial({ labDir });
  const binary = options.binary ?? process.env.HC_DOCKER_REGISTRY ?? 'docker-registry';
  const wanted = options.only ?? ['harbor', 'legacy'];
  const specs = [
    { name: 'harbor' as const, port: options.port ?? envPort('HC_REGISTRY_PORT', 5443), env: 'HC_REGISTRY_PORT',
      cert: material.serverCert, key: material.serverKey, caPath: material.caCert, skipHostnameCheck: false },
    { name: 'legacy' as const, port: options.legacyPort ?? envPort('HC_REGISTRY_CN_PORT', 5444), env: 'HC_REGISTRY_CN_PORT',
      cert: material.legacyCert, key: material.legacyKey, caPath: material.legacyCert, skipHostnameCheck: true },
  ].filter((s) => wanted.includes(s.name));

  const procs: Proc[] = [];
  const close = async () => {
    await Promise.all(procs.map(stop));
  };
  const registries: LabRegistry[] = [];
  try {
    for (const spec of specs) {
      const port = await claimPort(spec.port, `lab registry "${spec.name}" (${spec.env})`, LAB_IP);
      const dataDir = join(material.dir, `data-${spec.name}`);
      mkdirSync(dataDir, { recursive: true });
      const config = {
        version: 0.1,
        log: { level: 'warn', accesslog: { disabled: true }, fields: { service: `registry-${spec.name}` } },
        storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: true }, cache: { blobdescriptor: 'inmemory' } },
        http: {
          addr: `${LAB_IP}:${port}`,
          // Only matters with several replicas; set so the registry does not warn about a random one.
          secret: randomBytes(16).toString('hex'),
          tls: { certificate: spec.cert, key: spec.key },
          headers: { 'X-Content-Type-Options': ['nosniff'] },
        },
        auth: { htpasswd: { realm: 'Harbor Connect lab registry', path: material.htpasswd } },
      };
      const configPath = join(material.dir, `config-${spec.name}.yml`);
      writeFileSync(configPath, stringify(config), { mode: 0o600 });
      const logPath = join(material.dir, `registry-${spec.name}.log`);
      const proc = spawnRegistry(binary, configPath, logPath);
      procs.push(proc);
      const url = `https://${REGISTRY_HOSTNAME}:${port}`;
      const ca = readFileSync(spec.caPath);
      await waitForV2(url, ca, spec.skipHostnameCheck, proc);
      const admin = LAB_USERS[0];
      const seeded = options.seed === false ? [] : await seedRegistry({ url, ca, username: admin.username, password: admin.password, skipHostnameCheck: spec.skipHostnameCheck });
      registries.push({ name: spec.name, url, host: `${REGISTRY_HOSTNAME}:${port}`, port, caPath: spec.caPath, logPath, seeded });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { registries, material, close };
}
