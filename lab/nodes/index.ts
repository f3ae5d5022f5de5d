// The lab's simulated nodes: one containerd for all nodes (or the emulated pull where containerd is missing),
// a kubelet stand-in per node, the default-scheduler stand-in, and the DaemonSet/Deployment controllers, all
// talking to the Kubernetes API (the lab API stand-in) over HTTP with a bearer token.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerdAvailable, startContainerd, type RunningContainerd } from './containerd';
import { Controllers } from './controllers';
import { EventRecorder } from './events';
import { KubeClient } from './kubeclient';
import { Kubelet } from './kubelet';
import { CtrImageStore, EmulatedImageStore, type ImageStore, type NodeHandle } from './pull';
import { Runner, type RunMode } from './runtime';
import { Scheduler } from './scheduler';

export { startContainerd, containerdAvailable } from './containerd';
export type { RunningContainerd } from './containerd';
export { CtrImageStore, EmulatedImageStore, certsDirOf } from './pull';
export type { ImageStore, NodeHandle, PullOutcome } from './pull';
export { parseImageReference } from './reference';
export { readContainerLog, containerLogPath } from './logs';

export const LAB_NODES = ['node-1', 'node-2', 'node-3'];

export interface StartNodesOptions {
  labDir: string;
  /** e.g. http://127.0.0.1:9090 */
  apiUrl: string;
  /** Bearer token; default <labDir>/apiserver/system-token. */
  token?: string;
  /** Node names; default node-1..3. */
  nodes?: string[];
  /** A running containerd to use; default: start one when installed, else emulate pulls. */
  containerd?: RunningContainerd | 'auto' | 'emulated';
  /** Default: namespace when mount namespaces work, else plain (see runtime.ts). */
  execMode?: RunMode;
  /** Run the DaemonSet/Deployment controllers (default true). */
  controllers?: boolean;
  /**
   * Run this part's default-scheduler stand-in (default true unless HC_LAB_NODES_SCHEDULER=0). The API stand-in's
   * minimal one is off unless asked for (`scheduler: true`): this one is the lab's scheduler.
   */
  scheduler?: boolean;
  log?: (line: string) => void;
}

export interface RunningNodes {
  nodes: NodeHandle[];
  images: ImageStore;
  containerd?: RunningContainerd;
  execMode: RunMode;
  close(): Promise<void>;
}

export function nodeRoot(labDir: string, node: string): string {
  return join(labDir, 'nodes', node);
}

export async function startNodes(options: StartNodesOptions): Promise<RunningNodes> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[lab-nodes] ${line}\n`));
  const token = options.token ?? readFileSync(join(options.labDir, 'apiserver', 'system-token'), 'utf8').trim();
  const client = new KubeClient(options.apiUrl, token);
  let containerd: RunningContainerd | undefined;
  let ownContainerd = false;
  if (options.containerd && typeof options.containerd === 'object') containerd = options.containerd;
  else if (options.containerd !== 'emulated' && containerdAvailable()) {
    try {
      containerd = await startContainerd({ labDir: options.labDir });
      ownContainerd = true;
    } catch (error) {
      if (/already running/.test((error as Error).message)) throw error;
      // e.g. not root: keep the lab usable, with the emulated pull saying so in every event.
      log(`containerd did not start (${(error as Error).message.split('\n')[0]}): pulls are emulated`);
    }
  } else if (options.containerd !== 'emulated') {
    log('containerd is not installed: pulls are emulated in-process and their events say "(emulated)"');
  }
  const images: ImageStore = containerd ? new CtrImageStore(containerd, join(options.labDir, 'containerd', 'scratch')) : new EmulatedImageStore();
  const runner = new Runner(join(options.labDir, 'nodes', '.bin'), options.execMode);
  const names = options.nodes ?? LAB_NODES;
  const handles: NodeHandle[] = names.map((name) => ({ name, root: nodeRoot(options.labDir, name) }));
  for (const h of handles) mkdirSync(h.root, { recursive: true });
  const kubelets = handles.map(
    (node, index) =>
      new Kubelet({
        client,
        node,
        images,
        runner,
        index,
        log,
        recorder: new EventRecorder(client, { component: 'kubelet', host: node.name }, (e) => log(`[${node.name}] event: ${(e as Error).message}`)),
      }),
  );
  const scheduler = (options.scheduler ?? process.env.HC_LAB_NODES_SCHEDULER !== '0') ? new Scheduler(client, log) : undefined;
  const controllers = options.controllers === false ? undefined : new Controllers(client, log);
  const close = async () => {
    scheduler?.stop();
    controllers?.stop();
    await Promise.all(kubelets.map((k) => k.stop()));
    if (ownContainerd) await containerd?.close();
  };
  try {
    await Promise.all(kubelets.map((k) => k.start()));
    await scheduler?.start();
    await controllers?.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes: handles, images, containerd, execMode: runner.mode, close };
}
