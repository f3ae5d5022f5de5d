// Container logs, laid out like kubelet's: <nodeRoot>/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log
// (raw stdout+stderr, not the CRI "<time> stdout F" format). The API stand-in can serve pods/log from here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function containerLogPath(labDir: string, pod: { nodeName: string; namespace: string; name: string; uid: string }, container: string, restart: number): string {
  return join(labDir, 'nodes', pod.nodeName, 'var', 'log', 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`, container, `${restart}.log`);
}

/** The current (or, with previous, the one before) log of a container; undefined when there is none. */
export function readContainerLog(
  labDir: string,
  pod: { nodeName: string; namespace: string; name: string; uid: string },
  container: string,
  options: { previous?: boolean; tailLines?: number } = {},
): string | undefined {
  const dir = join(labDir, 'nodes', pod.nodeName, 'var', 'log', 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`, container);
  if (!existsSync(dir)) return undefined;
  const runs = readdirSync(dir).map((f) => /^(\d+)\.log$/.exec(f)).filter(Boolean).map((m) => Number(m![1])).sort((a, b) => a - b);
  const pick = options.previous ? runs[runs.length - 2] : runs[runs.length - 1];
  if (pick === undefined) return undefined;
  let text = readFileSync(join(dir, `${pick}.log`), 'utf8');
  if (options.tailLines !== undefined && options.tailLines >= 0) {
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    text = options.tailLines === 0 ? '' : `${lines.slice(-options.tailLines).join('\n')}\n`;
  }
  return text;
}
