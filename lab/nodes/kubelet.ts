// The kubelet stand-in for one simulated node: watches its pods through the Kubernetes API, pulls images the way
// kubelet + containerd CRI do (pull policy, pull secrets keyring, back-off, exact event wording), runs containers
// with Runner, and reports pod status through the /status subresource.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Backoff } from './backoff';
import type { EventRecorder } from './events';
import { keyringFromSecrets, type PullSecretLike } from './keyring';
import { Informer, KubeError, podPath, type KObj, type KubeClient } from './kubeclient';
import { aggregate, criPullError, msg } from './messages';
import type { ImageStore, NodeHandle } from './pull';
import { effectivePullPolicy, InvalidReferenceError, parseImageReference, type ImageReference } from './reference';
import type { Mount, Runner, RunningProcess } from './runtime';

export interface KubeletOptions {
  client: KubeClient;
  node: NodeHandle;
  images: ImageStore;
  runner: Runner;
  recorder: EventRecorder;
  /** Index of the node (0-based): picks the node's pod CIDR 10.233.(64+index).0/24. */
  index: number;
  log?: (line: string) => void;
}

type ContainerSpec = {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, { name?: string; key?: string; fieldPath?: string; optional?: boolean }> }>;
  envFrom?: Array<{ prefix?: string; configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  readinessProbe?: Probe;
};
type Probe = {
  exec?: { command?: string[] };
  httpGet?: unknown;
  tcpSocket?: unknown;
  grpc?: unknown;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
};

type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt: string; containerID?: string } };

interface ContainerRt {
  name: string;
  init: boolean;
  state: State;
  lastState: State | Record<string, never>;
  restartCount: number;
  ready: boolean;
  started: boolean;
  image: string;
  imageID: string;
  containerID?: string;
  proc?: RunningProcess;
  /** A container without a command only "runs" (idle) until stopped. */
  idle?: boolean;
  probeTimer?: NodeJS.Timeout;
  probeSuccesses: number;
  probeFailures: number;
  probeRuns: number;
}

interface PodRt {
  uid: string;
  key: string;
  pod: KObj;
  containers: Map<string, ContainerRt>;
  podIP: string;
  startTime: string;
  phase?: 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  volumesReady: boolean;
  syncing: boolean;
  dirty: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  lastStatus?: string;
  conditionTimes: Map<string, { status: string; time: string }>;
  gone: boolean;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Kubelet {
  private readonly pods = new Map<string, PodRt>();
  private readonly pullBackoff = new Backoff();
  private readonly crashBackoff = new Backoff();
  private informer?: Informer;
  private hostIP = '127.0.0.1';
  private ipSeq = 2;
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(private readonly o: KubeletOptions) {
    this.log = o.log ?? (() => undefined);
  }

  get nodeName(): string {
    return this.o.node.name;
  }

  async start(): Promise<void> {
    for (const dir of ['etc/containerd/certs.d', 'etc/docker/certs.d', 'var/lib/kubelet/pods', 'var/log/pods']) {
      mkdirSync(join(this.o.node.root, dir), { recursive: true });
    }
    await this.reportNode();
    this.informer = new Informer(
      this.o.client,
      '/api/v1/pods',
      { fieldSelector: `spec.nodeName=${this.nodeName}` },
      (type, pod) => this.onPod(type, pod),
      (error) => this.log(`[${this.nodeName}] pod watch: ${(error as Error).message}`),
    );
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.informer?.stop();
    await Promise.all([...this.pods.values()].map((rt) => this.killAll(rt, false)));
    for (const rt of this.pods.values()) if (rt.timer) clearTimeout(rt.timer);
  }

  /** hostIP from the Node's InternalIP, and the runtime version this node really has. */
  private async reportNode(): Promise<void> {
    try {
      const node = await this.o.client.get(`/api/v1/nodes/${this.nodeName}`);
      const addresses = (node.status?.addresses ?? []) as Array<{ type: string; address: string }>;
      this.hostIP = addresses.find((a) => a.type === 'InternalIP')?.address ?? this.hostIP;
    } catch (error) {
      this.log(`[${this.nodeName}] cannot read Node: ${(error as Error).message}`);
    }
  }

  private onPod(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KObj): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    let rt = this.pods.get(uid);
    if (type === 'DELETED') {
      if (rt) {
        rt.gone = true;
        this.kick(rt);
      }
      return;
    }
    if (!rt) {
      const index = this.o.index;
      rt = {
        uid,
        key: `${pod.metadata.namespace}/${pod.metadata.name}`,
        pod,
        containers: new Map(),
        podIP: pod.spec?.hostNetwork ? this.hostIP : `10.233.${64 + (index % 64)}.${this.ipSeq++ % 250 + 2}`,
        startTime: pod.status?.startTime ?? now(),
        volumesReady: false,
        syncing: false,
        dirty: false,
        conditionTimes: new Map(),
        gone: false,
      };
      // A pod that already reached a final phase (e.g. before a lab restart) is left alone.
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        rt.phase = pod.status.phase;
        rt.lastStatus = 'final before this kubelet started';
      }
      this.pods.set(uid, rt);
    }
    // Like kubelet's pod config source: our own status writes do not trigger a sync.
    const before = rt.pod;
    rt.pod = pod;
    const significant = (p: KObj) => JSON.stringify([p.spec, p.metadata.deletionTimestamp, p.metadata.labels]);
    if (before === pod || significant(before) !== significant(pod) || !rt.lastStatus) this.kick(rt);
  }

  /** Runs syncPod now (coalescing concurrent requests). */
  private kick(rt: PodRt): void {
    if (this.stopped) return;
    if (rt.syncing) {
      rt.dirty = true;
      return;
    }
    rt.syncing = true;
    void (async () => {
      try {
        do {
          rt.dirty = false;
          try {
            await this.syncPod(rt);
          } catch (error) {
            this.log(`[${this.nodeName}] sync ${rt.key}: ${(error as Error).stack ?? error}`);
            this.resyncIn(rt, 2000);
          }
        } while (rt.dirty && !this.stopped);
      } finally {
        rt.syncing = false;
      }
    })();
  }

  private resyncIn(rt: PodRt, ms: number): void {
    const at = Date.now() + Math.max(ms, 20);
    if (rt.timer && rt.timerAt !== undefined && rt.timerAt <= at) return;
    if (rt.timer) clearTimeout(rt.timer);
    rt.timerAt = at;
    rt.timer = setTimeout(() => {
      rt.timer = undefined;
      rt.timerAt = undefined;
      this.kick(rt);
    }, at - Date.now());
  }

  private podDir(rt: PodRt): string {
    return join(this.o.node.root, 'var', 'lib', 'kubelet', 'pods', rt.uid);
  }

  /** Where container logs go, as kubelet lays them out: /var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log. */
  logPath(rt: PodRt, container: string, restart: number): string {
    const p = rt.pod.metadata;
    return join(this.o.node.root, 'var', 'log', 'pods', `${p.namespace}_${p.name}_${rt.uid}`, container, `${restart}.log`);
  }

  private event(rt: PodRt, type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerRt): void {
    const fieldPath = c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined;
    void this.o.recorder.record({ ...rt.pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message, fieldPath);
  }

  private emulatedSuffix(): string {
    return this.o.images.mode === 'emulated' ? ' (emulated)' : '';
  }

  // -------------------------------------------------------------------------------------------------------------

  private async syncPod(rt: PodRt): Promise<void> {
    const pod = rt.pod;
    if (rt.gone) {
      await this.killAll(rt, true);
      this.cleanup(rt);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      await this.killAll(rt, true);
      await this.pushStatus(rt);
      // Like kubelet: once containers are gone, finish the graceful deletion.
      await this.o.client.delete(podPath(pod.metadata.namespace!, pod.metadata.name), {
        apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid },
      }).catch((e) => this.log(`[${this.nodeName}] delete ${rt.key}: ${(e as Error).message}`));
      return;
    }
    this.ensureContainerRts(rt);
    if (rt.phase) {
      if (rt.lastStatus !== 'final before this kubelet started') await this.pushStatus(rt);
      return;
    }
    // activeDeadlineSeconds counts from the pod's startTime on this node.
    const ads = pod.spec?.activeDeadlineSeconds as number | undefined;
    if (typeof ads === 'number') {
      const left = Date.parse(rt.startTime) + ads * 1000 - Date.now();
      if (left <= 0) {
        this.event(rt, 'Normal', 'DeadlineExceeded', msg.deadline);
        await this.killAll(rt, true);
        rt.phase = 'Failed';
        rt.reason = 'DeadlineExceeded';
        rt.message = msg.deadline;
        await this.pushStatus(rt);
        return;
      }
      this.resyncIn(rt, left + 50);
    }
    if (!rt.volumesReady) {
      const problem = await this.setupVolumes(rt);
      if (problem) {
        this.event(rt, 'Warning', 'FailedMount', problem);
        for (const c of rt.containers.values()) {
          if ('waiting' in c.state) c.state = { waiting: { reason: c.init || !this.hasInit(rt) ? 'ContainerCreating' : 'PodInitializing' } };
        }
        await this.pushStatus(rt);
        this.resyncIn(rt, 2000);
        return;
      }
      rt.volumesReady = true;
    }
    const policy = (pod.spec?.restartPolicy as string | undefined) ?? 'Always';

    // Init containers run one after another, each to a successful exit.
    const inits = [...rt.containers.values()].filter((c) => c.init);
    let initDone = true;
    for (const c of inits) {
      if ('terminated' in c.state && c.state.terminated.exitCode === 0) continue;
      initDone = false;
      if ('running' in c.state) break;
      if ('terminated' in c.state) {
        if (policy === 'Never') {
          rt.phase = 'Failed';
          break;
        }
        if (!(await this.restartAllowed(rt, c))) break;
      }
      await this.startContainer(rt, c);
      break;
    }
    if (!initDone) {
      for (const c of rt.containers.values()) if (!c.init && 'waiting' in c.state) c.state = { waiting: { reason: 'PodInitializing' } };
      await this.pushStatus(rt);
      return;
    }

    for (const c of rt.containers.values()) {
      if (c.init || 'running' in c.state) continue;
      if ('terminated' in c.state) {
        const failed = c.state.terminated.exitCode !== 0;
        if (policy === 'Never' || (policy === 'OnFailure' && !failed)) continue;
        if (!(await this.restartAllowed(rt, c))) continue;
      } else if (c.lastState && 'terminated' in c.lastState && c.state.waiting.reason === 'CrashLoopBackOff') {
        if (!(await this.restartAllowed(rt, c))) continue;
      }
      await this.startContainer(rt, c);
    }
    await this.pushStatus(rt);
  }

  private hasInit(rt: PodRt): boolean {
    return [...rt.containers.values()].some((c) => c.init);
  }

  private ensureContainerRts(rt: PodRt): void {
    const spec = rt.pod.spec ?? {};
    const add = (list: ContainerSpec[] | undefined, init: boolean) => {
      for (const c of list ?? []) {
        if (rt.containers.has(c.name)) continue;
        rt.containers.set(c.name, {
          name: c.name,
          init,
          state: { waiting: { reason: init || !(spec.initContainers?.length) ? 'ContainerCreating' : 'PodInitializing' } },
          lastState: {},
          restartCount: 0,
          ready: false,
          started: false,
          image: c.image ?? '',
          imageID: '',
          probeSuccesses: 0,
          probeFailures: 0,
          probeRuns: 0,
        });
      }
    };
    add(spec.initContainers, true);
    add(spec.containers, false);
  }

  private specOf(rt: PodRt, c: ContainerRt): ContainerSpec {
    const list = (c.init ? rt.pod.spec?.initContainers : rt.pod.spec?.containers) as ContainerSpec[];
    return list.find((s) => s.name === c.name)!;
  }

  /** Crash-loop back-off before a restart: the first restart is immediate, then 10 s doubling to 5 min. */
  private async restartAllowed(rt: PodRt, c: ContainerRt): Promise<boolean> {
    const key = `${rt.pod.metadata.name}_${rt.pod.metadata.namespace}_${rt.uid}_${c.name}`;
    if (this.crashBackoff.isInBackOffSinceUpdate(key)) {
      const text = msg.backOffRestart(c.name, rt.pod.metadata.name, rt.pod.metadata.namespace!, rt.uid);
      if ('terminated' in c.state) c.lastState = c.state;
      c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(this.crashBackoff.get(key) / 1000)}s restarting failed container=${c.name} pod=${rt.pod.metadata.name}_${rt.pod.metadata.namespace}(${rt.uid})` } };
      c.ready = false;
      this.event(rt, 'Warning', 'BackOff', text, c);
      this.resyncIn(rt, this.crashBackoff.remaining(key) + 20);
      return false;
    }
    this.crashBackoff.next(key);
    if ('terminated' in c.state) c.lastState = c.state;
    c.restartCount += 1;
    return true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Images

  /** kubelet's EnsureImageExists; returns the image to run, or undefined after setting the waiting state. */
  private async ensureImage(rt: PodRt, c: ContainerRt, spec: ContainerSpec): Promise<{ imageID: string; image: string } | undefined> {
    const image = spec.image ?? '';
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch (error) {
      const text = msg.invalidImage(image, error instanceof InvalidReferenceError ? error.message : String(error));
      this.event(rt, 'Warning', 'InspectFailed', text, c);
      c.state = { waiting: { reason: 'InvalidImageName', message: text } };
      return undefined;
    }
    const policy = effectivePullPolicy(image, spec.imagePullPolicy);
    const present = await this.o.images.present(this.o.node, ref);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.event(rt, 'Normal', 'Pulled', msg.alreadyPresent(image), c);
        return { imageID: present.repoDigest, image: ref.normalized };
      }
      const text = msg.neverPull(image);
      this.event(rt, 'Warning', 'ErrImageNeverPull', text, c);
      c.state = { waiting: { reason: 'ErrImageNeverPull', message: text } };
      return undefined;
    }
    const backoffKey = `${rt.uid}_${image}`;
    if (this.pullBackoff.isInBackOffSinceUpdate(backoffKey)) {
      const text = msg.backOffPull(image);
      this.event(rt, 'Normal', 'BackOff', text, c);
      this.event(rt, 'Warning', 'Failed', msg.error('ImagePullBackOff'), c);
      c.state = { waiting: { reason: 'ImagePullBackOff', message: text } };
      this.resyncIn(rt, this.pullBackoff.remaining(backoffKey) + 20);
      return undefined;
    }
    const started = Date.now();
    this.event(rt, 'Normal', 'Pulling', msg.pulling(image), c);
    c.state = { waiting: { reason: 'ContainerCreating' } };
    let errorText: string | undefined;
    let pulled: { imageId: string; repoDigest: string; size: number } | undefined;
    let pullStarted = Date.now();
    try {
      const keyring = keyringFromSecrets(await this.pullSecrets(rt), this.nodeDockerConfig());
      const creds = keyring.lookup(ref.repository);
      pullStarted = Date.now();
      // kubelet (kuberuntime_image.go): no matching credential → one anonymous pull; else each credential in turn,
      // errors aggregated; there is no anonymous retry after matching credentials failed.
      const attempts = creds.length ? creds.map((cr) => ({ username: cr.username, password: cr.password })) : [undefined];
      const errors: string[] = [];
      for (const auth of attempts) {
        const out = await this.o.images.pull(this.o.node, ref, auth);
        if (out.ok) {
          pulled = out;
          break;
        }
        errors.push(criPullError(ref.normalized, out.containerdText).message);
      }
      if (!pulled) errorText = aggregate(errors);
    } catch (error) {
      errorText = (error as Error).message;
    }
    if (!pulled) {
      this.event(rt, 'Warning', 'Failed', msg.failedPull(image, errorText ?? 'unknown error') + this.emulatedSuffix(), c);
      this.pullBackoff.next(backoffKey);
      this.event(rt, 'Warning', 'Failed', msg.error('ErrImagePull'), c);
      c.state = { waiting: { reason: 'ErrImagePull', message: errorText } };
      // kubelet's next pod sync finds the pull in back-off and reports ImagePullBackOff.
      this.resyncIn(rt, Math.min(1000, this.pullBackoff.remaining(backoffKey)) + 20);
      return undefined;
    }
    this.pullBackoff.gc();
    const end = Date.now();
    this.event(rt, 'Normal', 'Pulled', msg.pulled(image, end - pullStarted, end - started, pulled.size) + this.emulatedSuffix(), c);
    return { imageID: pulled.repoDigest, image: ref.normalized };
  }

  /** The pod's imagePullSecrets read from the API; missing ones give kubelet's FailedToRetrieveImagePullSecret. */
  private async pullSecrets(rt: PodRt): Promise<PullSecretLike[]> {
    const refs = ((rt.pod.spec?.imagePullSecrets ?? []) as Array<{ name?: string }>).map((r) => r.name).filter(Boolean) as string[];
    const out: PullSecretLike[] = [];
    const missing: string[] = [];
    for (const name of refs) {
      const secret = await this.o.client.getOrUndefined(`/api/v1/namespaces/${rt.pod.metadata.namespace}/secrets/${name}`);
      if (secret) out.push(secret as unknown as PullSecretLike);
      else missing.push(name);
    }
    if (missing.length) this.event(rt, 'Warning', 'FailedToRetrieveImagePullSecret', msg.missingPullSecrets(missing));
    return out;
  }

  /** The node's own credentials (/var/lib/kubelet/config.json), which kubelet unions with the pod's secrets. */
  private nodeDockerConfig(): Record<string, { username?: string; password?: string; auth?: string }> | undefined {
    const path = join(this.o.node.root, 'var', 'lib', 'kubelet', 'config.json');
    if (!existsSync(path)) return undefined;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { auths?: Record<string, { auth?: string }> };
      return parsed.auths ?? (parsed as Record<string, { auth?: string }>);
    } catch {
      return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Containers

  private async startContainer(rt: PodRt, c: ContainerRt): Promise<void> {
    const spec = this.specOf(rt, c);
    const image = await this.ensureImage(rt, c, spec);
    if (!image) return;
    c.image = image.image;
    c.imageID = image.imageID;
    let env: Record<string, string>;
    try {
      env = await this.containerEnv(rt, spec);
    } catch (error) {
      const text = (error as Error).message;
      this.event(rt, 'Warning', 'Failed', msg.error(text), c);
      c.state = { waiting: { reason: 'CreateContainerConfigError', message: text } };
      this.resyncIn(rt, 5000);
      return;
    }
    const containerID = randomBytes(32).toString('hex');
    c.containerID = `containerd://${containerID}`;
    this.event(rt, 'Normal', 'Created', msg.created(c.name), c);
    const argv = [...(spec.command ?? []), ...(spec.args ?? [])];
    const startedAt = now();
    c.state = { running: { startedAt } };
    c.started = true;
    c.ready = !spec.readinessProbe && !c.init;
    c.probeSuccesses = 0;
    c.probeFailures = 0;
    if (argv.length === 0) {
      // No command: the image's own entrypoint is not run here; the container idles until the pod goes away.
      c.idle = true;
      c.proc = undefined;
    } else {
      c.idle = false;
      const proc = this.o.runner.start({
        argv,
        env,
        workingDir: spec.workingDir,
        mounts: this.mountsFor(rt, spec),
        hostRoot: this.o.node.root,
        runDir: join(this.podDir(rt), 'run', `${c.name}-${c.restartCount}`),
        logPath: this.logPath(rt, c.name, c.restartCount),
      });
      c.proc = proc;
      void proc.exited.then((code) => {
        if (c.proc !== proc) return;
        c.proc = undefined;
        c.ready = false;
        this.stopProbe(c);
        const tail = this.readTail(this.logPath(rt, c.name, c.restartCount));
        c.state = {
          terminated: {
            exitCode: code,
            reason: code === 0 ? 'Completed' : 'Error',
            ...(code !== 0 && tail && spec && (spec as { terminationMessagePolicy?: string }).terminationMessagePolicy === 'FallbackToLogsOnError' ? { message: tail } : {}),
            startedAt,
            finishedAt: now(),
            containerID: c.containerID,
          },
        };
        this.kick(rt);
      });
    }
    this.event(rt, 'Normal', 'Started', msg.started(c.name), c);
    if (spec.readinessProbe && !c.init) this.startProbe(rt, c, spec.readinessProbe, env, spec);
  }

  private readTail(path: string): string {
    try {
      const text = readFileSync(path, 'utf8');
      return text.split('\n').slice(-80).join('\n').slice(-2048).trim();
    } catch {
      return '';
    }
  }

  private startProbe(rt: PodRt, c: ContainerRt, probe: Probe, env: Record<string, string>, spec: ContainerSpec): void {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const success = probe.successThreshold ?? 1;
    const failure = probe.failureThreshold ?? 3;
    const run = async () => {
      if (!('running' in c.state)) return;
      let ok = true;
      let output = '';
      if (probe.exec?.command?.length) {
        const n = c.probeRuns++;
        const res = await this.o.runner.exec({
          argv: probe.exec.command,
          env,
          workingDir: spec.workingDir,
          mounts: this.mountsFor(rt, spec),
          hostRoot: this.o.node.root,
          runDir: join(this.podDir(rt), 'probe', `${c.name}-${n % 2}`),
          logPath: join(this.podDir(rt), 'probe', `${c.name}-${n % 2}.out`),
        }, (probe.timeoutSeconds ?? 1) * 1000 + 2000);
        rmSync(join(this.podDir(rt), 'probe', `${c.name}-${n % 2}.out`), { force: true });
        ok = res.code === 0 && !res.timedOut;
        output = res.timedOut ? `command timed out` : res.output.trim();
      }
      // httpGet/tcpSocket/grpc probes cannot reach a simulated pod IP: they count as passing.
      if (!('running' in c.state)) return;
      const before = c.ready;
      if (ok) {
        c.probeFailures = 0;
        c.probeSuccesses += 1;
        if (c.probeSuccesses >= success) c.ready = true;
      } else {
        c.probeSuccesses = 0;
        c.probeFailures += 1;
        this.event(rt, 'Warning', 'Unhealthy', msg.readinessFailed(output), c);
        if (c.probeFailures >= failure) c.ready = false;
      }
      if (before !== c.ready) this.kick(rt);
      c.probeTimer = setTimeout(() => void run(), period);
    };
    c.probeTimer = setTimeout(() => void run(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  private stopProbe(c: ContainerRt): void {
    if (c.probeTimer) clearTimeout(c.probeTimer);
    c.probeTimer = undefined;
  }

  private async killAll(rt: PodRt, events: boolean): Promise<void> {
    const grace = Math.min(((rt.pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? 30) * 1000, 10_000);
    await Promise.all(
      [...rt.containers.values()].map(async (c) => {
        this.stopProbe(c);
        if (!('running' in c.state)) return;
        if (events) this.event(rt, 'Normal', 'Killing', msg.killing(c.name), c);
        const proc = c.proc;
        c.proc = undefined;
        if (proc) await proc.kill(grace);
        const startedAt = c.state.running.startedAt;
        c.state = { terminated: { exitCode: 137, reason: 'Error', startedAt, finishedAt: now(), containerID: c.containerID } };
        c.ready = false;
      }),
    );
  }

  private cleanup(rt: PodRt): void {
    if (rt.timer) clearTimeout(rt.timer);
    this.pods.delete(rt.uid);
    rmSync(this.podDir(rt), { recursive: true, force: true });
    // kubelet removes a deleted pod's /var/log/pods folder too.
    rmSync(dirname(dirname(this.logPath(rt, 'x', 0))), { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Env and volumes

  private fieldRef(rt: PodRt, path: string): string {
    const p = rt.pod;
    const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
    if (label) return (p.metadata[label[1] as 'labels'] ?? {})[label[2]] ?? '';
    const map: Record<string, string | undefined> = {
      'metadata.name': p.metadata.name,
      'metadata.namespace': p.metadata.namespace,
      'metadata.uid': p.metadata.uid,
      'spec.nodeName': p.spec?.nodeName,
      'spec.serviceAccountName': p.spec?.serviceAccountName,
      'status.hostIP': this.hostIP,
      'status.podIP': rt.podIP,
    };
    return map[path] ?? '';
  }

  private async getData(ns: string, kind: 'configmaps' | 'secrets', name: string): Promise<Record<string, string> | undefined> {
    const obj = await this.o.client.getOrUndefined(`/api/v1/namespaces/${ns}/${kind}/${name}`);
    if (!obj) return undefined;
    if (kind === 'secrets') {
      return Object.fromEntries(Object.entries((obj.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    }
    return { ...((obj.data ?? {}) as Record<string, string>) };
  }

  private async containerEnv(rt: PodRt, spec: ContainerSpec): Promise<Record<string, string>> {
    const ns = rt.pod.metadata.namespace!;
    const env: Record<string, string> = {
      [DEFAULT_PATH.split('=')[0]]: DEFAULT_PATH.split('=')[1],
      HOSTNAME: rt.pod.spec?.hostname ?? rt.pod.metadata.name,
      HOME: '/root',
      KUBERNETES_NODE_NAME: this.nodeName,
    };
    for (const from of spec.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref) continue;
      const kind = from.configMapRef ? 'configmaps' : 'secrets';
      const data = await this.getData(ns, kind, ref.name);
      if (!data) {
        if (ref.optional) continue;
        throw new Error(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${ref.name}" not found`);
      }
      for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
    }
    for (const e of spec.env ?? []) {
      if (e.value !== undefined || !e.valueFrom) {
        env[e.name] = (e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
        continue;
      }
      const vf = e.valueFrom;
      if (vf.fieldRef?.fieldPath) env[e.name] = this.fieldRef(rt, vf.fieldRef.fieldPath);
      else if (vf.configMapKeyRef || vf.secretKeyRef) {
        const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
        const kind = vf.configMapKeyRef ? 'configmaps' : 'secrets';
        const data = await this.getData(ns, kind, ref.name!);
        const label = kind === 'configmaps' ? 'configmap' : 'secret';
        if (!data) {
          if (ref.optional) continue;
          throw new Error(`${label} "${ref.name}" not found`);
        }
        if (!(ref.key! in data)) {
          if (ref.optional) continue;
          throw new Error(`couldn't find key ${ref.key} in ${label === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
        }
        env[e.name] = data[ref.key!];
      } else if (vf.resourceFieldRef) env[e.name] = '0';
    }
    return env;
  }

  private volumeDir(rt: PodRt, kind: string, name: string): string {
    return join(this.podDir(rt), 'volumes', `kubernetes.io~${kind}`, name);
  }

  private writeFiles(dir: string, files: Record<string, string>, mode: number): void {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content, { mode });
    }
  }

  private pick(data: Record<string, string>, items?: Array<{ key: string; path: string }>): Record<string, string> {
    if (!items?.length) return data;
    return Object.fromEntries(items.filter((i) => i.key in data).map((i) => [i.path, data[i.key]]));
  }

  /** Materialises the pod's volumes under <node>/var/lib/kubelet/pods/<uid>/volumes; returns a FailedMount message. */
  private async setupVolumes(rt: PodRt): Promise<string | undefined> {
    const ns = rt.pod.metadata.namespace!;
    type Vol = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const v of (rt.pod.spec?.volumes ?? []) as Vol[]) {
      const fail = (why: string) => `MountVolume.SetUp failed for volume "${v.name}" : ${why}`;
      if (v.hostPath) {
        const path = join(this.o.node.root, v.hostPath.path);
        const type = v.hostPath.type ?? '';
        if (type === 'Directory' && !(existsSync(path) && statSync(path).isDirectory())) return fail(`hostPath type check failed: ${v.hostPath.path} is not a directory`);
        if (type === 'File' && !(existsSync(path) && statSync(path).isFile())) return fail(`hostPath type check failed: ${v.hostPath.path} is not a file`);
        if (type === 'FileOrCreate' && !existsSync(path)) {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, '');
        } else if (!existsSync(path) && (type === '' || type === 'DirectoryOrCreate')) mkdirSync(path, { recursive: true });
      } else if (v.configMap || v.secret) {
        const kind = v.configMap ? 'configmaps' : 'secrets';
        const name = v.configMap ? v.configMap.name : v.secret.secretName;
        const data = await this.getData(ns, kind, name);
        const optional = (v.configMap ?? v.secret).optional;
        if (!data && !optional) return fail(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`);
        const mode = (v.configMap ?? v.secret).defaultMode ?? 0o644;
        this.writeFiles(this.volumeDir(rt, v.configMap ? 'configmap' : 'secret', v.name), this.pick(data ?? {}, (v.configMap ?? v.secret).items), mode);
      } else if (v.projected) {
        const files: Record<string, string> = {};
        for (const s of (v.projected.sources ?? []) as Vol[]) {
          if (s.configMap || s.secret) {
            const kind = s.configMap ? 'configmaps' : 'secrets';
            const ref = s.configMap ?? s.secret;
            const data = await this.getData(ns, kind, ref.name);
            if (!data && !ref.optional) return fail(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${ref.name}" not found`);
            Object.assign(files, this.pick(data ?? {}, ref.items));
          } else if (s.downwardAPI) {
            for (const item of s.downwardAPI.items ?? []) if (item.fieldRef) files[item.path] = this.fieldRef(rt, item.fieldRef.fieldPath);
          } else if (s.serviceAccountToken) {
            // The lab API stand-in issues no pod tokens; the file exists so images that expect it start.
            files[s.serviceAccountToken.path] = 'lab-pod-token-not-valid-for-the-api';
          }
        }
        this.writeFiles(this.volumeDir(rt, 'projected', v.name), files, v.projected.defaultMode ?? 0o644);
      } else if (v.downwardAPI) {
        const files: Record<string, string> = {};
        for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) files[item.path] = this.fieldRef(rt, item.fieldRef.fieldPath);
        this.writeFiles(this.volumeDir(rt, 'downward-api', v.name), files, v.downwardAPI.defaultMode ?? 0o644);
      } else {
        mkdirSync(this.volumeDir(rt, 'empty-dir', v.name), { recursive: true });
      }
    }
    return undefined;
  }

  private mountsFor(rt: PodRt, spec: ContainerSpec): Mount[] {
    type Vol = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const volumes = new Map<string, Vol>(((rt.pod.spec?.volumes ?? []) as Vol[]).map((v) => [v.name, v]));
    const out: Mount[] = [];
    for (const m of spec.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) continue;
      let source: string;
      if (v.hostPath) source = join(this.o.node.root, v.hostPath.path);
      else if (v.configMap) source = this.volumeDir(rt, 'configmap', v.name);
      else if (v.secret) source = this.volumeDir(rt, 'secret', v.name);
      else if (v.projected) source = this.volumeDir(rt, 'projected', v.name);
      else if (v.downwardAPI) source = this.volumeDir(rt, 'downward-api', v.name);
      else source = this.volumeDir(rt, 'empty-dir', v.name);
      if (m.subPath) source = join(source, m.subPath);
      if (!existsSync(source)) mkdirSync(source, { recursive: true });
      // Secrets, ConfigMaps and downward API volumes are always read-only in Kubernetes.
      const readOnly = Boolean(m.readOnly || v.configMap || v.secret || v.projected || v.downwardAPI);
      out.push({ source, target: m.mountPath, readOnly, file: statSync(source).isFile() });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status

  private containerStatus(c: ContainerRt): Record<string, unknown> {
    return {
      name: c.name,
      state: c.state,
      lastState: c.lastState,
      ready: c.ready,
      restartCount: c.restartCount,
      image: c.image,
      imageID: c.imageID,
      ...(c.containerID ? { containerID: c.containerID } : {}),
      started: 'running' in c.state,
    };
  }

  /** kubelet's getPhase. */
  private phase(rt: PodRt): string {
    if (rt.phase) return rt.phase;
    const policy = rt.pod.spec?.restartPolicy ?? 'Always';
    const cs = [...rt.containers.values()];
    const inits = cs.filter((c) => c.init);
    const pendingInit = inits.some((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0));
    let running = 0, waiting = 0, stopped = 0, succeeded = 0;
    for (const c of cs.filter((x) => !x.init)) {
      if ('running' in c.state) running++;
      else if ('terminated' in c.state) {
        stopped++;
        if (c.state.terminated.exitCode === 0) succeeded++;
      } else if ('terminated' in c.lastState) stopped++;
      else waiting++;
    }
    if (pendingInit) return 'Pending';
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    if (stopped > 0) {
      if (policy === 'Always') return 'Running';
      if (stopped === succeeded) return 'Succeeded';
      if (policy === 'Never') return 'Failed';
      return 'Running';
    }
    return 'Pending';
  }

  private condition(rt: PodRt, type: string, status: 'True' | 'False', reason?: string, message?: string): Record<string, unknown> {
    const prev = rt.conditionTimes.get(type);
    const time = prev && prev.status === status ? prev.time : now();
    rt.conditionTimes.set(type, { status, time });
    return { type, status, lastProbeTime: null, lastTransitionTime: time, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  }

  private async pushStatus(rt: PodRt): Promise<void> {
    const cs = [...rt.containers.values()];
    const phase = this.phase(rt);
    if (phase === 'Succeeded' || phase === 'Failed') rt.phase = phase;
    const mains = cs.filter((c) => !c.init);
    const inits = cs.filter((c) => c.init);
    const incompleteInit = inits.filter((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0)).map((c) => c.name);
    const unready = mains.filter((c) => !c.ready).map((c) => c.name);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const readyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
    const readyMsg = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
    const scheduled = ((rt.pod.status?.conditions ?? []) as Array<Record<string, unknown>>).find((c) => c.type === 'PodScheduled');
    const conditions = [
      this.condition(rt, 'Initialized', incompleteInit.length && !terminal ? 'False' : 'True',
        incompleteInit.length && !terminal ? 'ContainersNotInitialized' : terminal && inits.length ? 'PodCompleted' : undefined,
        incompleteInit.length && !terminal ? `containers with incomplete status: [${incompleteInit.join(' ')}]` : undefined),
      this.condition(rt, 'Ready', unready.length || terminal ? 'False' : 'True', unready.length || terminal ? readyReason : undefined, unready.length ? readyMsg : undefined),
      this.condition(rt, 'ContainersReady', unready.length || terminal ? 'False' : 'True', unready.length || terminal ? readyReason : undefined, unready.length ? readyMsg : undefined),
      scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rt.startTime },
    ];
    const status: Record<string, unknown> = {
      phase,
      conditions,
      hostIP: this.hostIP,
      hostIPs: [{ ip: this.hostIP }],
      podIP: rt.podIP,
      podIPs: [{ ip: rt.podIP }],
      startTime: rt.startTime,
      containerStatuses: mains.map((c) => this.containerStatus(c)),
      qosClass: rt.pod.status?.qosClass ?? 'BestEffort',
      reason: rt.reason ?? null,
      message: rt.message ?? null,
    };
    if (inits.length) status.initContainerStatuses = inits.map((c) => this.containerStatus(c));
    const json = JSON.stringify(status);
    if (json === rt.lastStatus) return;
    try {
      await this.o.client.patch(podPath(rt.pod.metadata.namespace!, rt.pod.metadata.name, 'status'), { status }, 'merge');
      rt.lastStatus = json;
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) return;
      throw error;
    }
  }
}
