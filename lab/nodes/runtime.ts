// Runs a container's command for a simulated node.
//
// "namespace" mode (root with mount namespaces, the normal case here): each container gets a private mount
// namespace (unshare) and a chroot whose / is a tmpfs holding the host's read-only /usr, /bin, /lib…, a private
// /etc, /tmp and /dev, plus every volumeMount bind-mounted at its real mountPath. So a DaemonSet script that writes
// /host/etc/containerd/certs.d/… runs unchanged and lands in <nodeRoot>/etc/containerd/certs.d/…. The node root is
// also bind-mounted at its own absolute path, so $HOST_ROOT works inside too.
// "plain" mode (no mount namespaces): the command runs on the host as is; scripts reach their volumes through
// $HOST_ROOT and $HC_MOUNT_<MOUNT_PATH> (see README.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type RunMode = 'namespace' | 'plain';

export interface Mount {
  /** Real path on the lab machine (a folder or a file). */
  source: string;
  /** Path inside the container. */
  target: string;
  readOnly: boolean;
  file: boolean;
}

export interface RunSpec {
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  mounts: Mount[];
  /** The node's host root, exported as HOST_ROOT. */
  hostRoot: string;
  /** Scratch folder for this run (rootfs mount point, mount table). */
  runDir: string;
  /** stdout+stderr go here (appended). */
  logPath: string;
}

export interface RunningProcess {
  pid: number;
  exited: Promise<number>;
  kill(graceMs: number): Promise<void>;
}

const SETUP_SCRIPT = `#!/bin/sh
# hc-run.sh <rootfs> <mount table> <workdir> -- argv…  (runs inside "unshare --mount --propagation private")
set -e
HC_USER_PATH="$PATH"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
R="$1"; M="$2"; W="$3"; shift 4
mount -t tmpfs -o mode=755 hc-rootfs "$R"
for d in usr bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"
  elif [ -d "/$d" ]; then mkdir -p "$R/$d"; mount --rbind "/$d" "$R/$d"; mount -o remount,bind,ro "$R/$d" 2>/dev/null || true
  fi
done
mkdir -p "$R/etc" "$R/tmp" "$R/dev" "$R/proc" "$R/root" "$R/var/tmp" "$R/run"
chmod 1777 "$R/tmp" "$R/var/tmp"
for f in passwd group hosts resolv.conf nsswitch.conf; do if [ -e "/etc/$f" ]; then cp "/etc/$f" "$R/etc/$f"; fi; done
echo "\${HOSTNAME:-pod}" > "$R/etc/hostname"
mount --rbind /dev "$R/dev"
mount --rbind /proc "$R/proc"
TAB=$(printf '\\t')
while IFS="$TAB" read -r mode kind src dst; do
  [ -n "$dst" ] || continue
  if [ "$kind" = file ]; then mkdir -p "$R$(dirname "$dst")"; [ -e "$R$dst" ] || : > "$R$dst"; else mkdir -p "$R$dst"; fi
  mount --bind "$src" "$R$dst"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$R$dst"; fi
done < "$M"
mkdir -p "$R$W"
PATH="$HC_USER_PATH"; export PATH
exec chroot "$R" /bin/sh -c 'cd "$1" && shift && exec "$@"' hc-cd "$W" "$@"
`;

function canUnshare(): boolean {
  if (process.env.HC_LAB_EXEC_MODE === 'plain') return false;
  const res = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs hc-probe /mnt 2>/dev/null || mount -t tmpfs hc-probe /tmp && command -v chroot >/dev/null'], { stdio: 'ignore', timeout: 5000 });
  return res.status === 0;
}

export function mountEnvName(target: string): string {
  return `HC_MOUNT_${target.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase() || 'ROOT'}`;
}

export class Runner {
  readonly mode: RunMode;
  private readonly script: string;

  constructor(scriptDir: string, mode?: RunMode) {
    this.mode = mode ?? (canUnshare() ? 'namespace' : 'plain');
    mkdirSync(scriptDir, { recursive: true });
    this.script = join(scriptDir, 'hc-run.sh');
    writeFileSync(this.script, SETUP_SCRIPT, { mode: 0o755 });
  }

  private envFor(spec: RunSpec): Record<string, string> {
    const env: Record<string, string> = { ...spec.env, HOST_ROOT: spec.hostRoot };
    for (const m of spec.mounts) env[mountEnvName(m.target)] = this.mode === 'namespace' ? m.target : m.source;
    return env;
  }

  start(spec: RunSpec): RunningProcess {
    mkdirSync(spec.runDir, { recursive: true });
    mkdirSync(join(spec.logPath, '..'), { recursive: true });
    const out = openSync(spec.logPath, 'a');
    let child: ChildProcess;
    const env = this.envFor(spec);
    try {
      if (this.mode === 'namespace') {
        const rootfs = join(spec.runDir, 'rootfs');
        mkdirSync(rootfs, { recursive: true });
        const table = join(spec.runDir, 'mounts.tsv');
        const mounts = [...spec.mounts, { source: spec.hostRoot, target: spec.hostRoot, readOnly: false, file: false }];
        writeFileSync(table, mounts.map((m) => [m.readOnly ? 'ro' : 'rw', m.file ? 'file' : 'dir', m.source, m.target].join('\t')).join('\n') + '\n');
        child = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', this.script, rootfs, table, spec.workingDir || '/', '--', ...spec.argv], {
          env, stdio: ['ignore', out, out], detached: true,
        });
      } else {
        mkdirSync(spec.workingDir && spec.workingDir !== '/' ? spec.workingDir : spec.runDir, { recursive: true });
        child = spawn(spec.argv[0], spec.argv.slice(1), {
          env, stdio: ['ignore', out, out], detached: true, cwd: spec.workingDir && spec.workingDir !== '/' ? spec.workingDir : spec.runDir,
        });
      }
    } finally {
      closeSync(out);
    }
    const exited = new Promise<number>((resolve) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        writeFileSync(spec.logPath, `${e.code === 'ENOENT' ? `exec: "${spec.argv[0]}": executable file not found in $PATH` : e.message}\n`, { flag: 'a' });
        resolve(127);
      });
      child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 128)));
    });
    let done = false;
    void exited.then(() => (done = true));
    return {
      pid: child.pid ?? -1,
      exited,
      kill: async (graceMs: number) => {
        if (done || !child.pid) return;
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          return;
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  }

  /** Runs to completion (probes): exit code and combined output, killed after timeoutMs. */
  async exec(spec: RunSpec, timeoutMs: number): Promise<{ code: number; output: string; timedOut: boolean }> {
    const proc = this.start(spec);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void proc.kill(0);
    }, timeoutMs);
    const code = await proc.exited;
    clearTimeout(timer);
    const { readFileSync } = await import('node:fs');
    let output = '';
    try {
      output = readFileSync(spec.logPath, 'utf8');
    } catch {
      output = '';
    }
    return { code, output, timedOut };
  }
}
