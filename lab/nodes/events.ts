// core/v1 Events as kubelet and the scheduler write them, with kubelet's correlation: an event equal to an earlier
// one (same object, field path, type, reason, message) bumps that event's count and lastTimestamp instead.
import { KubeError, type KubeClient, type KObj } from './kubeclient';

export interface EventSource {
  component: string;
  host?: string;
}

interface Known {
  name: string;
  namespace: string;
  count: number;
}

export class EventRecorder {
  private readonly known = new Map<string, Known>();
  private readonly chains = new Map<string, Promise<void>>();
  private seq = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly source: EventSource,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Fire and forget (ordered per aggregation key); `flush()` waits for all pending writes. */
  record(obj: KObj, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = [namespace, obj.metadata.uid, fieldPath ?? '', type, reason, message].join('\u0000');
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, obj, namespace, type, reason, message, fieldPath)).catch(this.onError);
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async write(key: string, obj: KObj, namespace: string, type: string, reason: string, message: string, fieldPath?: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const known = this.known.get(key);
    if (known) {
      try {
        await this.client.patch(`/api/v1/namespaces/${namespace}/events/${known.name}`, { count: known.count + 1, lastTimestamp: now }, 'merge');
        known.count += 1;
        return;
      } catch (error) {
        if (!(error instanceof KubeError && error.status === 404)) throw error;
        this.known.delete(key);
      }
    }
    // kubelet names events <object>.<unix nanoseconds in hex>.
    const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const name = `${obj.metadata.name}.${nanos.toString(16)}`;
    await this.client.create(`/api/v1/namespaces/${namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion ?? 'v1',
        kind: obj.kind ?? 'Pod',
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    });
    this.known.set(key, { name, namespace, count: 1 });
    if (this.known.size > 5000) this.known.delete(this.known.keys().next().value as string);
  }
}
