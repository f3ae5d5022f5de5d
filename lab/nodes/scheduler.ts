// A default-scheduler stand-in: binds each pod without spec.nodeName to a node that fits (nodeSelector, required
// node affinity incl. the DaemonSet controller's matchFields metadata.name, taints vs tolerations), round-robin,
// through the pods/binding subresource, with the scheduler's events.
import { EventRecorder } from './events';
import { Informer, KubeError, podPath, type KObj, type KubeClient } from './kubeclient';
import { msg } from './messages';
import { failedSchedulingMessage, podFitsNode, type FitFailure } from './predicates';

export class Scheduler {
  private pods?: Informer;
  private nodes?: Informer;
  private readonly recorder: EventRecorder;
  private rr = 0;
  private readonly queue = new Set<string>();
  private running = false;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.recorder = new EventRecorder(client, { component: 'default-scheduler' }, (e) => log(`scheduler event: ${(e as Error).message}`));
  }

  async start(): Promise<void> {
    this.nodes = new Informer(this.client, '/api/v1/nodes', {}, () => this.requeueAll(), (e) => this.log(`scheduler nodes: ${(e as Error).message}`));
    this.pods = new Informer(this.client, '/api/v1/pods', { fieldSelector: 'spec.nodeName=' }, (type, pod) => {
      if (type !== 'DELETED') this.enqueue(pod);
    }, (e) => this.log(`scheduler pods: ${(e as Error).message}`));
    await this.nodes.start();
    await this.pods.start();
    this.requeueAll();
  }

  stop(): void {
    this.stopped = true;
    this.pods?.stop();
    this.nodes?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private requeueAll(): void {
    for (const pod of this.pods?.list() ?? []) this.enqueue(pod);
  }

  private enqueue(pod: KObj): void {
    if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const name = pod.spec?.schedulerName;
    if (name && name !== 'default-scheduler') return;
    this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.size && !this.stopped) {
        const key = this.queue.values().next().value as string;
        this.queue.delete(key);
        const pod = this.pods?.cache.get(key);
        if (pod && !pod.spec?.nodeName) await this.schedule(pod);
      }
    } finally {
      this.running = false;
    }
  }

  private async schedule(pod: KObj): Promise<void> {
    const nodes = (this.nodes?.list() ?? []).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const fit: KObj[] = [];
    const failures: FitFailure[] = [];
    for (const node of nodes) {
      const failure = podFitsNode(pod.spec, node);
      if (failure) failures.push(failure);
      else fit.push(node);
    }
    const ns = pod.metadata.namespace!;
    if (!fit.length) {
      const text = nodes.length ? failedSchedulingMessage(nodes.length, failures) : 'no nodes available to schedule pods';
      void this.recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'FailedScheduling', text);
      await this.client
        .patch(podPath(ns, pod.metadata.name, 'status'), {
          status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: text, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] },
        }, 'merge')
        .catch(() => undefined);
      // Retry later too: a node label, taint or toleration may change.
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.requeueAll();
        }, 5000);
      }
      return;
    }
    const node = fit[this.rr++ % fit.length];
    try {
      await this.client.create(podPath(ns, pod.metadata.name, 'binding'), {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
      });
    } catch (error) {
      if (error instanceof KubeError && (error.status === 404 || error.status === 409)) return;
      this.log(`scheduler bind ${ns}/${pod.metadata.name}: ${(error as Error).message}`);
      return;
    }
    await this.client
      .patch(podPath(ns, pod.metadata.name, 'status'), {
        status: { conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] },
      }, 'strategic')
      .catch(() => undefined);
    void this.recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'Scheduled', msg.scheduled(ns, pod.metadata.name, node.metadata.name));
  }
}
