// The lab's long-running servers as child processes: each in its own process group (so Ctrl-C on `npm start`
// reaches only the launcher, which then stops them in reverse order), its output in <labDir>/cluster/logs/<name>.log,
// its pid in <labDir>/cluster/pids/<name>.pid so a later start can end what a killed launcher left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string | null>;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ServerProcess>();
let exitHookInstalled = false;

/** A launcher that dies without close() must not leave servers running: kill what is left, synchronously. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const proc of running) {
      try {
        process.kill(-proc.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export function startServer(options: {
  name: string;
  command: string;
  args: string[];
  logDir: string;
  pidDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): ServerProcess {
  mkdirSync(options.logDir, { recursive: true });
  mkdirSync(options.pidDir, { recursive: true });
  const logPath = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const pidFile = join(options.pidDir, `${options.name}.pid`);
  if (child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  const exited = new Promise<number | string | null>(resolve => {
    child.once('error', error => resolve(`failed to start: ${error.message}`));
    child.once('exit', (code, signal) => {
      running.delete(proc);
      rmSync(pidFile, { force: true });
      resolve(code ?? signal);
    });
  });
  const proc: ServerProcess = {
    name: options.name,
    child,
    logPath,
    exited,
    tail: (lines = 25) => tailOf(logPath, lines),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(proc);
  installExitHook();
  return proc;
}

export function tailOf(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Ends processes a killed launcher left behind (their pid files), if they are still the lab's. */
export function endLeftovers(pidDir: string, marker: string, log: (line: string) => void): void {
  if (!existsSync(pidDir)) return;
  for (const file of readdirSync(pidDir)) {
    const pid = Number(readFileSync(join(pidDir, file), 'utf8').trim());
    rmSync(join(pidDir, file), { force: true });
    if (!Number.isInteger(pid) || pid <= 1) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes(marker)) continue;
    log(`ending ${file.replace(/\.pid$/, '')} (pid ${pid}) left by an earlier lab`);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
  }
}

/**
 * Kills what is left of lab nodes a killed launcher could not stop: processes whose mounts name `folder` (a node's
 * containerd, shims and kubelet) or whose cgroup is under `cgroupPrefix` (its containers).
 */
export function killNodeLeftovers(folder: string, cgroupPrefix: string, log: (line: string) => void): void {
  let killed = 0;
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (!read(`/proc/${entry}/mountinfo`).includes(folder) && !read(`/proc/${entry}/cgroup`).includes(cgroupPrefix)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed++;
    } catch {
      // gone
    }
  }
  if (killed) log(`ended ${killed} processes of lab nodes left by an earlier lab`);
}

/**
 * Polls `check` until it returns true, the process exits, or the time runs out; the error carries the log tail.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, proc: ServerProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: number | string | null | undefined;
  void proc?.exited.then(code => (exit = code));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${proc!.name} exited (${exit}) before ${what}:\n${proc!.tail()}`);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (last: ${lastError})` : ''}${proc ? `\n${proc.name} log:\n${proc.tail()}` : ''}`);
}
