import fc from 'fast-check';
import type { Event as CoreV1Event, Pod } from 'kubernetes-types/core/v1';
import { Pod as PodModel } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { isDns1123Label } from '../record';
import { normalizeRegistryAddress } from '../registry';
import {
  defaultTestImage,
  newPullTestRunId,
  planCredentialPullTest,
  planPullTest,
  planPullTestCleanup,
  planPullTestSecret,
  pullTestLeftovers,
  pullTestSecretLabels,
  pullTestSecretLeftovers,
  pullTestPodName,
  pullTestResult,
  pullTestSelector,
} from './index';

const input = { namespace: 'demo', image: 'harbor.example.com:8443/library/busybox:latest', secretName: 'harbor-pull', runId: 'r1abc' };

describe('planPullTest', () => {
  it('one valid pod per node, pinned with nodeName', () => {
    const writes = planPullTest({ ...input, nodes: ['node-1', 'ip-10-0-0-7.ec2.internal'], registryId: 'harbor-example-com-8443' });
    expect(writes.map((w) => w.name)).toEqual(['hc-pulltest-r1abc-node-1', expect.stringMatching(/^hc-pulltest-r1abc-ip-10-0-0-7-ec2-internal-[0-9a-f]{6}$/)]);
    for (const w of writes) {
      expect(w).toMatchObject({ action: 'create', apiVersion: 'v1', kind: 'Pod', namespace: 'demo' });
      expect(() => new PodModel(w.body as never).validate()).not.toThrow();
    }
    const pod = writes[1].body as Pod;
    expect(pod.spec?.nodeName).toBe('ip-10-0-0-7.ec2.internal');
    expect(pod.metadata?.annotations?.['harbor-connect.kubesphere.io/node']).toBe('ip-10-0-0-7.ec2.internal');
    expect(pod.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'harbor-connect',
      'harbor-connect.kubesphere.io/registry': 'harbor-example-com-8443',
      'app.kubernetes.io/component': 'pull-test',
      'harbor-connect.kubesphere.io/pull-test': 'r1abc',
    });
    const spec = pod.spec!;
    expect(spec.activeDeadlineSeconds).toBe(120);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.imagePullSecrets).toEqual([{ name: 'harbor-pull' }]);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(spec.containers[0]).toMatchObject({ image: input.image, imagePullPolicy: 'Always', command: ['true'] });
    expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('"any": one pod, no nodeName; no secret means the ServiceAccount’s are used', () => {
    const writes = planPullTest({ ...input, secretName: undefined, nodes: 'any', deadlineSeconds: 60, serviceAccountName: 'builder' });
    expect(writes).toHaveLength(1);
    const pod = writes[0].body as Pod;
    expect(pod.metadata?.name).toBe('hc-pulltest-r1abc');
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.spec?.imagePullSecrets).toBeUndefined();
    expect(pod.spec?.serviceAccountName).toBe('builder');
    expect(pod.spec?.activeDeadlineSeconds).toBe(60);
    expect(planPullTest({ ...input, nodes: 'any', runAsUser: null })[0].body).not.toHaveProperty('spec.securityContext.runAsUser');
  });

  it('names are DNS-1123 labels and distinct per node', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.domain(), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,80}$/)), { minLength: 1, maxLength: 8 }), (nodes) => {
        const names = nodes.map((n) => pullTestPodName('abcdefghijkl', n));
        for (const n of names) expect(isDns1123Label(n)).toBe(true);
        expect(new Set(names).size).toBe(nodes.length);
      }),
    );
    expect(() => planPullTest({ ...input, runId: 'Bad_Id', nodes: 'any' })).toThrow();
    expect(newPullTestRunId(1_700_000_000_000, () => 0.5)).toMatch(/^[a-z0-9]{1,12}$/);
  });
});

describe('pullTestResult', () => {
  const pod = (status: Pod['status'], nodeName = 'node-1'): Pod => ({ metadata: { name: 'hc-pulltest-r1-node-1', uid: 'u1' }, spec: { nodeName, containers: [] }, status });
  const ev = (reason: string, message: string, type = 'Normal'): CoreV1Event => ({
    metadata: { name: `e-${reason}` },
    involvedObject: { kind: 'Pod', name: 'hc-pulltest-r1-node-1', uid: 'u1' },
    reason,
    message,
    type,
    lastTimestamp: '2024-01-01T00:00:00Z',
  });
  const waiting = (reason: string, message?: string): Pod['status'] => ({
    phase: 'Pending',
    containerStatuses: [{ name: 'pull', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
  });

  it('pulled counts as success whatever the container did afterwards', () => {
    expect(pullTestResult(pod({ phase: 'Pending' }), [ev('Pulled', 'Successfully pulled image "x" in 1.2s')])).toMatchObject({ state: 'pulled', node: 'node-1' });
    expect(pullTestResult(pod({ phase: 'Succeeded', containerStatuses: [{ name: 'pull', image: 'x', imageID: 'sha256:1', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] })).state).toBe('pulled');
    expect(pullTestResult(pod({ phase: 'Failed', containerStatuses: [{ name: 'pull', image: 'x', imageID: 'sha256:1', ready: false, restartCount: 0, state: { terminated: { exitCode: 128, reason: 'StartError', message: 'exec: "true": executable file not found in $PATH' } } }] }))).toMatchObject({ state: 'pulled', reason: 'StartError' });
    expect(pullTestResult(pod(waiting('CreateContainerConfigError', 'x'))).state).toBe('pulled');
  });

  it('a failed pull carries the registry’s own words', () => {
    const msg = 'Failed to pull image "x": failed to do request: Head "https://127.0.0.1:5443/v2/library/busybox/manifests/latest": x509: certificate signed by unknown authority';
    expect(pullTestResult(pod(waiting('ImagePullBackOff', 'Back-off pulling image "x"')), [ev('Failed', msg, 'Warning')])).toEqual({
      pod: 'hc-pulltest-r1-node-1',
      node: 'node-1',
      state: 'failed',
      reason: 'ImagePullBackOff',
      message: msg,
    });
    expect(pullTestResult(pod(waiting('ErrImagePull', 'rpc error: 401 Unauthorized'))).message).toBe('rpc error: 401 Unauthorized');
  });

  it('the registry\'s own words, not kubelet\'s "Error: ErrImagePull" written after them in the same second', () => {
    const x509 = 'Failed to pull image "x": tls: failed to verify certificate: x509: certificate signed by unknown authority';
    const at = (e: ReturnType<typeof ev>, rv: string) => ({ ...e, lastTimestamp: '2026-12-03T07:42:35Z', metadata: { ...e.metadata, resourceVersion: rv } });
    const events = [at(ev('Failed', x509, 'Warning'), '3332'), at({ ...ev('Failed', 'Error: ErrImagePull', 'Warning'), metadata: { name: 'e-Failed-2' } }, '3333')];
    expect(pullTestResult(pod(waiting('ErrImagePull', 'x509')), events)).toMatchObject({ state: 'failed', message: x509 });
  });

  it('a retry in progress (its "Pulling" newer than every failure) waits for its own outcome, not the previous attempt\'s 401 (reproduced on the lab: the red CI of stop 18)', () => {
    const unauthorized = 'Failed to pull image "x": pulling from host h:5443 failed with status code [manifests latest]: 401 Unauthorized';
    const at = (e: ReturnType<typeof ev>, t: string, rv: string, count = 1) => ({ ...e, lastTimestamp: t, count, metadata: { ...e.metadata, resourceVersion: rv } });
    // As the lab's kubelet wrote them: the secret unreadable at 07:42:34, 401 at :35, back-off, the retry at :48.
    const events = [
      at(ev('FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (hp); attempting to pull the image may not succeed.', 'Warning'), '2026-12-03T07:42:34Z', '3320'),
      at(ev('Pulling', 'Pulling image "x"'), '2026-12-03T07:42:48Z', '3375', 2),
      at(ev('Failed', unauthorized, 'Warning'), '2026-12-03T07:42:35Z', '3332'),
      at({ ...ev('Failed', 'Error: ErrImagePull', 'Warning'), metadata: { name: 'e-Failed-2' } }, '2026-12-03T07:42:35Z', '3333'),
      at(ev('BackOff', 'Back-off pulling image "x"', 'Normal'), '2026-12-03T07:42:35Z', '3334'),
    ];
    expect(pullTestResult(pod(waiting('ImagePullBackOff', 'Back-off pulling image "x"')), events)).toMatchObject({ state: 'pending', reason: 'Pulling' });
    // The retry's own outcome decides: pulled...
    expect(pullTestResult(pod(waiting('ImagePullBackOff')), [...events, at(ev('Pulled', 'Successfully pulled image "x" in 43ms'), '2026-12-03T07:42:48Z', '3376')]).state).toBe('pulled');
    // ...or refused again, now with the secret read: the credential is wrong.
    const again = [...events.slice(0, 1), events[1]!, at(ev('Failed', unauthorized, 'Warning'), '2026-12-03T07:42:49Z', '3380', 2)];
    expect(pullTestResult(pod(waiting('ErrImagePull', unauthorized)), again)).toMatchObject({ state: 'failed', message: unauthorized });
    // The first attempt, Pulling and Failed in the same second: the later write (the failure) is the latest.
    const first = [at(ev('Pulling', 'Pulling image "x"'), '2026-12-03T07:42:35Z', '3331'), at(ev('Failed', unauthorized, 'Warning'), '2026-12-03T07:42:35Z', '3332')];
    expect(pullTestResult(pod(waiting('ErrImagePull', unauthorized)), [...first].reverse()).state).toBe('failed');
  });

  it('a 401 in the status before the attempt\'s events are written waits for them (the red CI of stop 18: the missing-secret warning was among them)', () => {
    const unauthorized = 'failed to pull and unpack image "x": failed to resolve reference "x": pulling from host h:5443 failed with status code [manifests latest]: 401 Unauthorized';
    expect(pullTestResult(pod(waiting('ErrImagePull', unauthorized)), [])).toMatchObject({ state: 'pending', reason: 'ErrImagePull' });
    // The events arrive: with the secret warning it keeps waiting for the retry; without it the credential is refused.
    const failed = ev('Failed', `Failed to pull image "x": ${unauthorized}`, 'Warning');
    expect(pullTestResult(pod(waiting('ErrImagePull', unauthorized)), [failed])).toMatchObject({ state: 'failed' });
    const noSecret = ev('FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (hc-pull); attempting to pull the image may not succeed.', 'Warning');
    expect(pullTestResult(pod(waiting('ErrImagePull', unauthorized)), [noSecret, ev('Pulling', 'Pulling image "x"'), failed])).toMatchObject({ state: 'pending', reason: 'FailedToRetrieveImagePullSecret' });
  });

  it('an "unauthorized" from an attempt the kubelet made without the pull secret waits for its retry', () => {
    const unauthorized = 'Failed to pull image "x": pulling from host h:5443 failed with status code [manifests latest]: 401 Unauthorized';
    const noSecret = ev('FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (hc-pull); attempting to pull the image may not succeed.', 'Warning');
    // As a real kubelet reports it: the registry's words, then "Error: ErrImagePull", both reason Failed.
    const events = [noSecret, ev('Pulling', 'Pulling image "x"'), { ...ev('Failed', 'Error: ErrImagePull', 'Warning'), metadata: { name: 'e-Failed-2' } }, ev('Failed', unauthorized, 'Warning')];
    expect(pullTestResult(pod(waiting('ErrImagePull', 'rpc error: 401 Unauthorized')), events)).toMatchObject({ state: 'pending', reason: 'FailedToRetrieveImagePullSecret' });
    // The retry, with the secret, pulled.
    expect(pullTestResult(pod(waiting('ImagePullBackOff')), [...events, ev('Pulled', 'Successfully pulled image "x" in 1s')]).state).toBe('pulled');
    // A retry with the secret that is still refused: the credential is wrong.
    // (kubelet aggregates the retry's events into the first attempt's: count 2, lastTimestamp the retry's.)
    const retried = [noSecret, { ...ev('Pulling', 'Pulling image "x"'), lastTimestamp: '2024-01-01T00:00:20Z', count: 2 }, { ...ev('Failed', unauthorized, 'Warning'), lastTimestamp: '2024-01-01T00:00:21Z', count: 2 }];
    expect(pullTestResult(pod(waiting('ErrImagePull')), retried)).toMatchObject({ state: 'failed', message: unauthorized });
  });

  it('pending while pulling or unschedulable; failed past the deadline', () => {
    expect(pullTestResult(pod(waiting('ContainerCreating')), [ev('Pulling', 'Pulling image "x"')])).toMatchObject({ state: 'pending', reason: 'ContainerCreating' });
    expect(pullTestResult(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }, ''))).toMatchObject({
      state: 'pending',
      reason: 'Unschedulable',
    });
    expect(pullTestResult(pod({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' }))).toMatchObject({
      state: 'failed',
      reason: 'DeadlineExceeded',
    });
  });
});

describe('cleanup', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const p = (name: string, created: string, phase: string, run = 'r1', extra: Partial<Pod['metadata']> = {}): Pod => ({
    metadata: { name, namespace: 'demo', uid: `uid-${name}`, creationTimestamp: created, labels: { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/pull-test': run }, ...extra },
    spec: { activeDeadlineSeconds: 120, containers: [] },
    status: { phase },
  });
  it('finds finished and overdue pull-test pods only', () => {
    const pods = [
      p('done', '2024-01-01T00:09:50Z', 'Succeeded'),
      p('failed', '2024-01-01T00:09:50Z', 'Failed'),
      p('running', '2024-01-01T00:09:00Z', 'Running'),
      p('stuck', '2024-01-01T00:06:00Z', 'Pending'),
      p('going', '2024-01-01T00:06:00Z', 'Pending', 'r1', { deletionTimestamp: '2024-01-01T00:09:00Z' }),
      p('kept', '2024-01-01T00:00:00Z', 'Succeeded', 'r2'),
      { metadata: { name: 'other', namespace: 'demo', labels: { app: 'x' } }, status: { phase: 'Succeeded' } },
    ] as Pod[];
    expect(pullTestLeftovers(pods, now, { keepRunIds: ['r2'] }).map((w) => [w.action, w.name])).toEqual([
      ['delete', 'done'],
      ['delete', 'failed'],
      ['delete', 'stuck'],
    ]);
    expect(planPullTestCleanup(pods, 'r2').map((w) => w.name)).toEqual(['kept']);
    // Only the pods read: a same-named pod created since is not deleted.
    expect(pullTestLeftovers(pods, now).every((w) => w.preconditions?.uid === `uid-${w.name}`)).toBe(true);
    expect(planPullTestCleanup(pods, 'r2')[0].preconditions).toEqual({ uid: 'uid-kept' });
    expect(pullTestSelector('r1')).toBe('app.kubernetes.io/managed-by=harbor-connect,harbor-connect.kubesphere.io/pull-test=r1');
  });

  it('finds pull-test Secrets past their lifetime (metadata only), never those of a run in progress', () => {
    const s = (name: string, created: string, run = 'r1', extra: Record<string, unknown> = {}) => ({
      metadata: { name, namespace: 'demo', uid: `uid-${name}`, creationTimestamp: created, labels: { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/pull-test': run }, ...extra },
    });
    const list = [
      s('old', '2024-01-01T00:05:00Z'),
      s('young', '2024-01-01T00:09:00Z'),
      s('running', '2024-01-01T00:00:00Z', 'r2'),
      s('going', '2024-01-01T00:00:00Z', 'r1', { deletionTimestamp: '2024-01-01T00:09:59Z' }),
      { metadata: { name: 'someone', namespace: 'demo', creationTimestamp: '2024-01-01T00:00:00Z', labels: { 'harbor-connect.kubesphere.io/pull-test': 'x' } } },
    ];
    expect(pullTestSecretLeftovers(list, now, { keepRunIds: ['r2'] }).map((w) => [w.kind, w.name, w.preconditions])).toEqual([['Secret', 'old', { uid: 'uid-old' }]]);
    expect(pullTestSecretLabels('reg', 'r9')).toEqual({
      'app.kubernetes.io/managed-by': 'harbor-connect',
      'harbor-connect.kubesphere.io/registry': 'reg',
      'app.kubernetes.io/component': 'pull-test',
      'harbor-connect.kubesphere.io/pull-test': 'r9',
    });
  });
});

describe('defaultTestImage', () => {
  it('busybox from the registry, or the first repository it lists', () => {
    expect(defaultTestImage('harbor.example.com:8443')).toBe('harbor.example.com:8443/library/busybox:latest');
    expect(defaultTestImage('harbor.example.com:443')).toBe('harbor.example.com/library/busybox:latest');
    expect(defaultTestImage('[fd00::1]:5443', ['', 'team/app'])).toBe('[fd00::1]:5443/team/app:latest');
    expect(defaultTestImage('harbor.example.com', ['harbor.example.com/library/nginx:1.25'])).toBe('harbor.example.com/library/nginx:1.25');
    expect(defaultTestImage('http://10.0.0.5:5000')).toBe('10.0.0.5:5000/library/busybox:latest');
  });
});

describe('planCredentialPullTest', () => {
  it('one pod anywhere, 90 s, pulling with the run\'s temporary Secret or with a pull secret the project has', () => {
    const temp = planCredentialPullTest({ namespace: 'demo', image: input.image, registryId: 'r', runId: 'r1abc' });
    expect(temp).toMatchObject({ action: 'create', kind: 'Pod', namespace: 'demo', name: 'hc-pulltest-r1abc' });
    const spec = (temp.body as Pod).spec!;
    expect(spec.imagePullSecrets).toEqual([{ name: 'hc-pulltest-r1abc' }]);
    expect(spec.nodeName).toBeUndefined();
    expect(spec.activeDeadlineSeconds).toBe(90);
    const existing = planCredentialPullTest({ namespace: 'demo', image: input.image, registryId: 'r', runId: 'r1abc', secretName: 'legacy-regcred' });
    // Only that secret: a pod naming pull secrets does not get its ServiceAccount's (admission copies them only into a pod with none).
    expect((existing.body as Pod).spec!.imagePullSecrets).toEqual([{ name: 'legacy-regcred' }]);
  });
});

describe('planPullTestSecret', () => {
  it('the run\'s temporary pull secret: the name the credential pod pulls with, labelled like the run\'s pods, a leftover once past its lifetime', () => {
    const server = normalizeRegistryAddress('harbor.example.com');
    if (!server.ok) throw new Error('address');
    const w = planPullTestSecret({ namespace: 'demo', registryId: 'harbor-example-com', runId: 'r1abc', server: server.value, username: 'robot$ci', password: 's3cret' });
    const pod = planCredentialPullTest({ namespace: 'demo', image: input.image, registryId: 'harbor-example-com', runId: 'r1abc' });
    expect(w).toMatchObject({ action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'hc-pulltest-r1abc' });
    expect((pod.body as Pod).spec!.imagePullSecrets).toEqual([{ name: w.name }]);
    const metadata = (w.body as { metadata: { labels: Record<string, string> } }).metadata;
    expect(metadata.labels).toEqual(pullTestSecretLabels('harbor-example-com', 'r1abc'));
    expect((w.body as { type: string }).type).toBe('kubernetes.io/dockerconfigjson');
    const later = Date.parse('2026-01-01T01:00:00Z');
    const listed = [{ metadata: { ...metadata, name: w.name, namespace: 'demo', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' } }];
    expect(pullTestSecretLeftovers(listed, later).map((d) => d.name)).toEqual(['hc-pulltest-r1abc']);
  });
});
