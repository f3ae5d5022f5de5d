import { describe, it, expect } from 'vitest';
import type { ContainerStatus } from 'kubernetes-types/core/v1';
import { classifyPullError, diagnosePull, groupFailures, causeKeys, pullSecretUnavailable, PULL_CAUSES } from './index';
import type { PullEvent } from './index';
import en from '../../../locales/en/diagnosis.json';
import zh from '../../../locales/zh/diagnosis.json';

// Real messages, copied from public issues (source on each line). Line breaks in the originals are joined.
const SAMPLES: Array<[cause: string, message: string, source: string]> = [
  // unknown-authority
  ['unknown-authority', 'failed to do request: Head "https://xxx/v2/minzhi/nginx/manifests/1.0": x509: certificate signed by unknown authority', 'https://github.com/easzlab/kubeasz/issues/1163'],
  ['unknown-authority', 'Error response from daemon: Get "https://reg.f-wi.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority', 'https://github.com/goharbor/harbor/issues/19496'],
  ['unknown-authority', 'Error response from daemon: Get "https://harbork8s.example.com/v2/": x509: certificate signed by unknown authority', 'https://github.com/kubesphere/kubesphere/issues/4421'],
  // Seen on this project's lab (docs/registry.md): containerd 1.6.20 against docker-registry 2.8.2 without the CA.
  ['unknown-authority', 'failed to do request: Head "https://127.0.0.1:5443/v2/library/busybox/manifests/latest": x509: certificate signed by unknown authority', 'docs/registry.md'],
  // legacy-cn
  ['legacy-cn', 'x509: certificate relies on legacy Common Name field, use SANs or temporarily enable Common Name matching with GODEBUG=x509ignoreCN=0', 'https://github.com/rancher/rke2/issues/775'],
  ['legacy-cn', 'Get "https://container-registry.contoso.com/v2/": x509: certificate relies on legacy Common Name field, use SANs instead', 'https://github.com/Azure/acr/pull/700'],
  // hostname-mismatch
  ['hostname-mismatch', 'Error response from daemon: Get https://harbor.x.com/v2/: x509: certificate is valid for ingress.local, not harbor.x.com', 'https://github.com/goharbor/harbor/issues/13318'],
  ['hostname-mismatch', 'Error response from daemon: Get https://company.harbor.com/v2/: x509: certificate is valid for harbor.com, harbor, company, not company.harbor.com', 'https://github.com/goharbor/harbor/issues/11124'],
  ['hostname-mismatch', 'x509: certificate is not valid for any names, but wanted to match ecf-harbor.com', 'https://github.com/goharbor/harbor/issues/9821'],
  // ip-san-missing
  ['ip-san-missing', 'Error response from daemon: Get "https://192.168.189.144/v2/": tls: failed to verify certificate: x509: cannot validate certificate for 192.168.189.144 because it doesn\'t contain any IP SANs', 'https://github.com/goharbor/harbor/issues/19128'],
  ['ip-san-missing', 'Error response from daemon: Get "https://139.9.162.134:30043/v2/": x509: cannot validate certificate for 139.9.162.134 because it doesn\'t contain any IP SANs', 'https://github.com/goharbor/harbor-helm/issues/1156'],
  // cert-expired
  ['cert-expired', 'Failed to pull image "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to pull and unpack image "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to resolve reference "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to do request: Head "https://harbor.scpmtk.com/v2/mtk-connect/mtk-connect-installers/manifests/v1.8.1": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-06-12T03:05:25Z is after 2025-06-07T05:48:45Z', 'https://github.com/GoogleCloudPlatform/horizon-sdv/issues/8'],
  ['cert-expired', 'Failed to pull image "kong-docker-kubernetes-ingress-controller.bintray.io/kong-ingress-controller:0.9.0": rpc error: code = Unknown desc = Error response from daemon: Get https://kong-docker-kubernetes-ingress-controller.bintray.io/v2/: x509: certificate has expired or is not yet valid', 'https://github.com/Kong/charts/issues/257'],
  // unauthorized
  ['unauthorized', 'Failed to pull image "registry.app.xxx.net/XXXXX/partsgo42:GitActionsNew-2e7e78f7bb157128f1853b0dc06bf7ccd13156d7": rpc error: code = Unknown desc = failed to pull and unpack image "registry.app.xxx.net/spm2fog/partsgo42:GitActionsNew-2e7e78f7bb157128f1853b0dc06bf7ccd13156d7": failed to resolve reference "registry.app.xxx.net/spm2fog/partsgo42:GitActionsNew-2e7e78f7bb157128f1853b0dc06bf7ccd13156d7": pulling from host registry.app.xxx.net failed with status code [manifests GitActionsNew-2e7e78f7bb157128f1853b0dc06bf7ccd13156d7]: 401 Unauthorized', 'https://github.com/kubernetes/kubernetes/issues/110678'],
  ['unauthorized', 'failed to resolve reference "127.0.0.1:5443/library/busybox:latest": pulling from host 127.0.0.1:5443 failed with status code [manifests latest]: 401 Unauthorized', 'docs/registry.md'],
  ['unauthorized', 'ctr: failed to resolve reference "h.lbhyun.com/library/nginx:latest": unexpected status code [manifests latest]: 401 Unauthorized', 'https://github.com/containerd/containerd/issues/5084'],
  ['unauthorized', 'pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials', 'https://github.com/containerd/containerd/issues/11103'],
  ['unauthorized', '(HTTP code 500) server error - error from registry: failed to resolve reference "docker.io/docker/welcome-to-docker:latest": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Adocker%2Fwelcome-to-docker%3Apull&service=registry.docker.io: 401 Unauthorized', 'https://github.com/docker/docs/issues/22787'],
  ['unauthorized', 'an error occurred while pulling manifest of library/gitaly:v1.27.1 from source registry: 401 {"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Class":"","Name":"library/gitaly","Action":"pull"}]}]}', 'https://github.com/goharbor/harbor/issues/8046'],
  // denied (ambiguous with not-found: see alsoPossible)
  ['denied', 'Failed to pull image "kubesphere/ks-console:v3.4.1": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/kubesphere/ks-console:v3.4.1": failed to resolve reference "docker.io/kubesphere/ks-console:v3.4.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', 'https://github.com/kubesphere/kubesphere/issues/6543'],
  ['denied', 'failed to resolve reference "vcns-registry.cn-hangzhou.cr.aliyuncs.com/vcns/3fs:0828-multi-device-op1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', 'https://github.com/aliyun/kvc-3fs-operator/issues/4'],
  ['denied', 'Failed to pull image "suedostcargo-web": Error response from daemon: pull access denied for suedostcargo-web, repository does not exist or may require \'docker login\': denied: requested access to the resource is denied', 'https://github.com/kubernetes/minikube/issues/20613'],
  ['denied', 'Failed to pull image "rmeuser-auth:latest": rpc error: code = Unknown desc = Error response from daemon: pull access denied for rmeuser-auth, repository does not exist or may require \'docker login\'', 'https://github.com/kubernetes/website/issues/14257'],
  // not-found
  ['not-found', 'rpc error: code = NotFound desc = failed to pull and unpack image "registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b": failed to resolve reference "registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b": registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b: not found', 'https://github.com/kubernetes-sigs/provider-aws-test-infra/pull/281'],
  ['not-found', 'Failed to pull image quay.io/gpustack/runner:cuda12.9-vllm0.17.0-linux-amd64: Docker Client Error: failed to resolve reference "quay.io/gpustack/runner:cuda12.9-vllm0.17.0-linux-amd64": quay.io/gpustack/runner:cuda12.9-vllm0.17.0-linux-amd64: not found', 'https://github.com/gpustack/gpustack/issues/4860'],
  ['not-found', 'Failed to pull image "lachlanevenson/k8s-kubectl:v1.18.20": rpc error: code = Unknown desc = Error response from daemon: manifest for lachlanevenson/k8s-kubectl:v1.18.20 not found: manifest unknown: manifest unknown', 'https://github.com/lachie83/k8s-kubectl/issues/157'],
  ['not-found', 'Failed to pull image "aerokube/logger:cad1da0af14ee43856ce3ca635daf0e79ebb1fef": rpc error: code = 2 desc = manifest unknown: manifest unknown', 'https://github.com/aerokube/moon/issues/43'],
  // timeout
  ['timeout', 'failed to pull and unpack image "registry.k8s.io/kube-proxy:v1.28.2": failed to resolve reference "registry.k8s.io/kube-proxy:v1.28.2": failed to do request: Head "https://registry.k8s.io/v2/kube-proxy/manifests/v1.28.2": dial tcp 34.96.108.209:443: connect: connection timed out', 'https://github.com/kubernetes/kubeadm/issues/2936'],
  ['timeout', 'Get https://k8s.gcr.io/v1/_ping: dial tcp 172.217.218.82:443: i/o timeout', 'https://github.com/kubernetes/kubernetes/issues/85498'],
  ['timeout', 'Failed to pull image "nginx": rpc error: code = 4 desc = context deadline exceeded', 'https://github.com/cri-o/cri-o/pull/189'],
  // dns (also when the lookup itself times out or is refused)
  ['dns', 'Failed to pull image "hjacobs/kube-ops-view:0.8.1": rpc error: code = Unknown desc = Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving', 'https://github.com/hjacobs/kube-ops-view/issues/176'],
  ['dns', 'Pull image "k8s.gcr.io/echoserver:1.4" failed: rpc error: code = Unknown desc = Error response from daemon: Get https://k8s.gcr.io/v2/: dial tcp: lookup k8s.gcr.io on 192.168.49.1:53: read udp 192.168.49.2:48049->192.168.49.1:53: i/o timeout', 'https://github.com/kubernetes/minikube/issues/9580'],
  ['dns', 'Error while pulling image: Get https://index.docker.io/v1/repositories/kitematic/hello-world-nginx/images: dial tcp: lookup index.docker.io on [::1]:53: read udp [::1]:54528->[::1]:53: read: connection refused', 'https://github.com/docker-archive-public/docker.kitematic/issues/1635'],
  ['dns', 'Error pulling image (latest) from docker.io/library/ubuntu-upstart, Failed to download json: Get https://registry-1.docker.io/v1/images/3c42a74804f79e44845044dad95183b4e4f73207b97f7cfb0fe9305b3c33d27a/json: dial tcp: lookup registry-1.docker.io on 8.8.8.8:53: no such host', 'https://github.com/docker-archive-public/docker.kitematic/issues/1577'],
  // connection-refused
  ['connection-refused', 'dial tcp 34.96.108.209:443: connect: connection refused', 'https://github.com/kubernetes/registry.k8s.io/issues/306'],
  ['connection-refused', 'Error while pulling image: Get https://index.docker.io/v1/repositories/trilokdev/suppcolliimepics/images: dial tcp 52.207.178.113:443: getsockopt: connection refused', 'https://github.com/docker-archive-public/docker.kitematic/issues/2226'],
  // http-vs-https
  ['http-vs-https', 'Failed to pull image "localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2": rpc error: code = Unknown desc = failed to pull and unpack image "localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2": failed to resolve reference "localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2": failed to do request: Head "https://localhost:7439/v2/docker.io/xxxsoftware/xxx-redis/manifests/2023.1.2": http: server gave HTTP response to HTTPS client', 'https://github.com/enix/kube-image-keeper/issues/60'],
  ['http-vs-https', 'Failed to pull image "registry:5000/hello-app:1.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry:5000/hello-app:1.0": failed to resolve reference "registry:5000/hello-app:1.0": failed to do request: Head https://registry:5000/v2/hello-app/manifests/1.0: http: server gave HTTP response to HTTPS client', 'https://github.com/containerd/cri/issues/1367'],
  // rate-limited
  ['rate-limited', 'Failed to pull image "busybox": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/busybox:latest": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/busybox/manifests/sha256:50aa4698fa6262977cff89181b2664b99d8a56dbca847bf62f2ef04854597cf8: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit', 'https://github.com/kata-containers/kata-containers/issues/10109'],
  ['rate-limited', 'Failed to pull image "docker.io/library/busybox:1.29": rpc error: code = Unknown desc = Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit', 'https://github.com/ceph/ceph-csi/issues/2029'],
  // network-error
  ['network-error', 'Error response from daemon: Get http://harbor.devops.kubesphere.local:30280/v2/library/admin/mps/manifests/1.0.0: read tcp 192.168.0.239:39108->192.168.0.93:30280: read: connection reset by peer', 'https://github.com/kubesphere/kubesphere/issues/1494'],
  // unknown: kept raw, not guessed
  ['unknown', 'Failed to pull image "kubernetes/pause": image pull failed for unknown error', 'https://github.com/kubernetes/kubernetes/issues/30710'],
];

describe('classifyPullError on real messages', () => {
  it.each(SAMPLES)('%s: %s', (cause, message) => {
    expect(classifyPullError(message).cause).toBe(cause);
  });

  it('extracts the details the fix texts need', () => {
    expect(classifyPullError(SAMPLES.find((s) => s[2].endsWith('11124'))![1]).detail).toMatchObject({ names: 'harbor.com, harbor, company', wanted: 'company.harbor.com', endpoint: 'company.harbor.com' });
    expect(classifyPullError(SAMPLES.find((s) => s[2].endsWith('1156'))![1]).detail).toMatchObject({ ip: '139.9.162.134', endpoint: '139.9.162.134:30043' });
    expect(classifyPullError(SAMPLES.find((s) => s[2].endsWith('horizon-sdv/issues/8'))![1]).detail).toMatchObject({
      currentTime: '2025-06-12T03:05:25Z',
      notAfter: '2025-06-07T05:48:45Z',
      state: 'expired',
    });
    expect(classifyPullError('x509: certificate has expired or is not yet valid: current time 2024-01-01T00:00:00Z is before 2024-02-01T00:00:00Z').detail).toMatchObject({ state: 'not-yet-valid', notBefore: '2024-02-01T00:00:00Z' });
    expect(classifyPullError(SAMPLES.find((s) => s[2].endsWith('9580'))![1]).detail).toMatchObject({ lookup: 'k8s.gcr.io', resolver: '192.168.49.1:53' });
    expect(classifyPullError('dial tcp 10.0.0.5:443: connect: connection refused').detail).toMatchObject({ address: '10.0.0.5:443' });
  });

  it('marks "pull access denied" as ambiguous', () => {
    expect(classifyPullError(SAMPLES.find((s) => s[2].endsWith('6543'))![1]).alsoPossible).toEqual(['not-found', 'unauthorized']);
    expect(classifyPullError('denied: requested access to the resource is denied').cause).toBe('denied');
    expect(classifyPullError('unauthorized: unauthorized to access repository: proj/app, action: pull: unauthorized to access repository: proj/app, action: pull').cause).toBe('denied');
  });

  it('recognises Harbor project policies and the newer TLS prefix', () => {
    expect(classifyPullError('412 Precondition Failed: PROJECTPOLICYVIOLATION: current image with "2 critical" vulnerabilities cannot be pulled due to configured policy')).toMatchObject({ cause: 'denied', detail: { policy: 'harbor-project-policy' } });
    expect(classifyPullError('tls: failed to verify certificate: x509: certificate is valid for a.example.com, b.example.com, not harbor.example.com').detail).toMatchObject({ names: 'a.example.com, b.example.com', wanted: 'harbor.example.com' });
    expect(classifyPullError('open /var/lib/containerd/io.containerd.content.v1.content/ingest: permission denied').cause).toBe('unknown');
  });
});

// Shaped as `kubectl get pod web-7d9c -n demo -o json` prints .status.containerStatuses for a pod stuck pulling
// from a private-CA Harbor (message text as containerd 1.6 writes it, see the docs/registry.md sample).
const FAILING_STATUS: ContainerStatus[] = [
  {
    image: 'harbor.example.com:8443/library/nginx:1.25',
    imageID: '',
    lastState: {},
    name: 'nginx',
    ready: false,
    restartCount: 0,
    started: false,
    state: {
      waiting: {
        message:
          'rpc error: code = Unknown desc = failed to pull and unpack image "harbor.example.com:8443/library/nginx:1.25": failed to resolve reference "harbor.example.com:8443/library/nginx:1.25": failed to do request: Head "https://harbor.example.com:8443/v2/library/nginx/manifests/1.25": tls: failed to verify certificate: x509: certificate signed by unknown authority',
        reason: 'ErrImagePull',
      },
    },
  },
];

const ev = (reason: string, message: string, type: string, last: string, count = 1, host = 'node-2'): PullEvent => ({
  reason,
  message,
  type,
  count,
  lastTimestamp: last,
  firstTimestamp: last,
  source: { component: 'kubelet', host },
  involvedObject: { kind: 'Pod', namespace: 'demo', name: 'web-7d9c', fieldPath: 'spec.containers{nginx}' },
});

describe('diagnosePull', () => {
  it('names the cause, node, image and host, and keeps the raw message', () => {
    const events = [
      ev('Pulling', 'Pulling image "harbor.example.com:8443/library/nginx:1.25"', 'Normal', '2024-05-06T08:00:00Z', 3),
      ev('Failed', `Failed to pull image "harbor.example.com:8443/library/nginx:1.25": ${FAILING_STATUS[0].state!.waiting!.message}`, 'Warning', '2024-05-06T08:00:02Z', 3),
      ev('Failed', 'Error: ErrImagePull', 'Warning', '2024-05-06T08:00:02Z', 3),
      ev('BackOff', 'Back-off pulling image "harbor.example.com:8443/library/nginx:1.25"', 'Normal', '2024-05-06T08:00:30Z', 5),
      ev('Failed', 'Error: ImagePullBackOff', 'Warning', '2024-05-06T08:00:30Z', 5),
    ];
    const d = diagnosePull({ containerStatuses: FAILING_STATUS, events });
    expect(d).toMatchObject({
      cause: 'unknown-authority',
      titleKey: 'HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_TITLE',
      fixKey: 'HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_FIX',
      node: 'node-2',
      image: 'harbor.example.com:8443/library/nginx:1.25',
      container: 'nginx',
      reason: 'ErrImagePull',
      count: 3,
      lastSeen: '2024-05-06T08:00:02Z',
      detail: { host: 'harbor.example.com:8443', node: 'node-2', endpoint: 'harbor.example.com:8443' },
    });
    expect(d.message).toContain('x509: certificate signed by unknown authority');
  });

  it('uses the most recent failure: after the CA was installed, credentials are the problem', () => {
    const events = [
      ev('Failed', 'Failed to pull image "harbor.example.com:8443/library/nginx:1.25": x509: certificate signed by unknown authority', 'Warning', '2024-05-06T08:00:02Z', 9),
      ev('Failed', 'Failed to pull image "harbor.example.com:8443/library/nginx:1.25": pulling from host harbor.example.com:8443 failed with status code [manifests 1.25]: 401 Unauthorized', 'Warning', '2024-05-06T08:10:00Z', 1),
    ];
    const status = [{ ...FAILING_STATUS[0], state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "harbor.example.com:8443/library/nginx:1.25"' } } }];
    expect(diagnosePull({ containerStatuses: status, events }).cause).toBe('unauthorized');
  });

  it('falls back to the status message, and to unknown with the raw message', () => {
    const fromStatus = diagnosePull({ containerStatuses: FAILING_STATUS, events: [] });
    expect(fromStatus.cause).toBe('unknown-authority');
    expect(fromStatus.node).toBeUndefined();
    expect(diagnosePull({ containerStatuses: FAILING_STATUS, events: [], nodeName: 'node-9' }).node).toBe('node-9');
    const odd = [{ ...FAILING_STATUS[0], state: { waiting: { reason: 'ErrImagePull', message: 'something new and strange' } } }];
    expect(diagnosePull({ containerStatuses: odd })).toMatchObject({ cause: 'unknown', message: 'something new and strange' });
  });

  it('ok when the image is present; pending while pulling', () => {
    const running: ContainerStatus[] = [{ ...FAILING_STATUS[0], imageID: 'harbor.example.com:8443/library/nginx@sha256:abc', ready: true, state: { running: { startedAt: '2024-05-06T08:11:00Z' } } }];
    expect(diagnosePull({ containerStatuses: running }).cause).toBe('ok');
    const crash: ContainerStatus[] = [{ ...running[0], state: { waiting: { reason: 'CrashLoopBackOff' } } }];
    expect(diagnosePull({ containerStatuses: crash }).cause).toBe('ok');
    const creating: ContainerStatus[] = [{ ...FAILING_STATUS[0], state: { waiting: { reason: 'ContainerCreating' } } }];
    expect(diagnosePull({ containerStatuses: creating }).cause).toBe('pending');
    expect(diagnosePull({ events: [ev('Pulling', 'Pulling image "busybox"', 'Normal', '2024-05-06T08:00:00Z')] }).cause).toBe('pending');
    expect(diagnosePull({ events: [ev('Pulling', 'Pulling image "busybox"', 'Normal', '2024-05-06T08:00:00Z'), ev('Pulled', 'Successfully pulled image "busybox" in 2.1s', 'Normal', '2024-05-06T08:00:03Z')] })).toMatchObject({ cause: 'ok', image: 'busybox' });
    expect(diagnosePull({}).cause).toBe('pending');
  });

  it('works from events alone (ceph-csi e2e log, https://github.com/ceph/ceph-csi/issues/2029)', () => {
    const events = [
      ev('Pulling', 'Pulling image "docker.io/library/busybox:1.29"', 'Normal', '2021-04-28T08:30:26Z', 1, 'minikube'),
      ev('Failed', SAMPLES.find((s) => s[2].endsWith('2029'))![1], 'Warning', '2021-04-28T08:30:27Z', 1, 'minikube'),
      ev('Failed', 'Error: ErrImagePull', 'Warning', '2021-04-28T08:30:27Z', 1, 'minikube'),
      ev('BackOff', 'Back-off pulling image "docker.io/library/busybox:1.29"', 'Normal', '2021-04-28T08:30:27Z', 1, 'minikube'),
      ev('Failed', 'Error: ImagePullBackOff', 'Warning', '2021-04-28T08:30:27Z', 1, 'minikube'),
    ];
    expect(diagnosePull({ events })).toMatchObject({ cause: 'rate-limited', node: 'minikube', image: 'docker.io/library/busybox:1.29', detail: { host: 'docker.io' } });
  });
});

describe('groupFailures', () => {
  it('groups informative failures by cause, most frequent first', () => {
    const mk = (pod: string, msg: string, count: number, last: string, host: string): PullEvent => ({
      ...ev('Failed', msg, 'Warning', last, count, host),
      involvedObject: { kind: 'Pod', namespace: 'demo', name: pod },
    });
    const x509 = 'Failed to pull image "harbor.example.com/library/nginx:1": x509: certificate signed by unknown authority';
    const events = [
      mk('a', x509, 4, '2024-05-06T08:00:00Z', 'node-1'),
      mk('b', x509, 2, '2024-05-06T08:05:00Z', 'node-2'),
      mk('c', 'Failed to pull image "harbor.example.com/p/x:1": 401 Unauthorized', 1, '2024-05-06T08:06:00Z', 'node-1'),
      mk('c', 'Error: ErrImagePull', 9, '2024-05-06T08:06:00Z', 'node-1'),
      mk('d', x509, 1, '2024-05-01T00:00:00Z', 'node-3'),
    ];
    const groups = groupFailures(events, { since: '2024-05-06T00:00:00Z' });
    expect(groups.map((g) => [g.cause, g.count, g.pods, g.nodes])).toEqual([
      ['unknown-authority', 6, ['demo/b', 'demo/a'], ['node-2', 'node-1']],
      ['unauthorized', 1, ['demo/c'], ['node-1']],
    ]);
    expect(groups[0]).toMatchObject({ hosts: ['harbor.example.com'], images: ['harbor.example.com/library/nginx:1'], lastSeen: '2024-05-06T08:05:00Z', fixKey: 'HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_FIX' });
  });
});

describe('diagnosis locales', () => {
  it('have a title and a fix for every cause, in both languages, with the same variables', () => {
    for (const cause of PULL_CAUSES) {
      const { titleKey, fixKey } = causeKeys(cause);
      for (const key of [titleKey, fixKey]) {
        const e = (en as Record<string, string>)[key];
        const z = (zh as Record<string, string>)[key];
        expect(e, key).toBeTruthy();
        expect(z, key).toBeTruthy();
        const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(vars(z), key).toEqual(vars(e));
      }
    }
  });
});

describe('a status that trails the events (real kubelet)', () => {
  it('a container still ContainerCreating with a Failed pull event after its Pulling is diagnosed from the event', () => {
    const failed = 'Failed to pull image "harbor.lab.local:5443/library/busybox:latest": failed to pull and unpack image "harbor.lab.local:5443/library/busybox:latest": failed to resolve reference "harbor.lab.local:5443/library/busybox:latest": pulling from host harbor.lab.local:5443 failed with status code [manifests latest]: 401 Unauthorized';
    const d = diagnosePull({
      nodeName: 'node-1',
      containerStatuses: [{ name: 'pull', image: 'harbor.lab.local:5443/library/busybox:latest', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
      events: [
        { metadata: { name: 'a' }, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{pull}' }, reason: 'Pulling', type: 'Normal', message: 'Pulling image "harbor.lab.local:5443/library/busybox:latest"', lastTimestamp: '2026-12-02T18:46:00Z', source: { host: 'node-1' } },
        { metadata: { name: 'b' }, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{pull}' }, reason: 'Failed', type: 'Warning', message: failed, lastTimestamp: '2026-12-02T18:46:01Z', source: { host: 'node-1' } },
      ],
    });
    expect(d.cause).toBe('unauthorized');
  });
});

describe('events in the same second (real kubelet)', () => {
  it('the later write wins: Pulling then Failed in one second is a failed pull, whatever the list order', () => {
    const failed = 'Failed to pull image "h:5443/x:1": failed to pull and unpack image "h:5443/x:1": failed to resolve reference "h:5443/x:1": failed to do request: Head "https://h:5443/v2/x/manifests/1": x509: certificate signed by unknown authority';
    const pulling = { metadata: { name: 'a', resourceVersion: '999' }, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{pull}' }, reason: 'Pulling', type: 'Normal', message: 'Pulling image "h:5443/x:1"', lastTimestamp: '2026-12-02T18:46:00Z', source: { host: 'node-1' } };
    const fail = { metadata: { name: 'b', resourceVersion: '1000' }, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{pull}' }, reason: 'Failed', type: 'Warning', message: failed, lastTimestamp: '2026-12-02T18:46:00Z', source: { host: 'node-1' } };
    const status = [{ name: 'pull', image: 'h:5443/x:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }];
    for (const events of [[pulling, fail], [fail, pulling]]) {
      expect(diagnosePull({ nodeName: 'node-1', containerStatuses: status, events }).cause).toBe('unknown-authority');
    }
  });
});

describe('a pull secret the kubelet could not read (real kubelet: "failed to sync secret cache: timed out")', () => {
  const image = 'harbor.lab.local:5443/library/busybox:latest';
  const unauthorized = `Failed to pull image "${image}": failed to pull and unpack image "${image}": failed to resolve reference "${image}": pulling from host harbor.lab.local:5443 failed with status code [manifests latest]: 401 Unauthorized`;
  const at = (reason: string, message: string, type: string, time: string) => ({
    metadata: { name: reason }, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{pull}' }, reason, type, message, lastTimestamp: time, source: { host: 'node-1' },
  });
  const secretEvent = (time: string) => at('FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (hc-pull-demo); attempting to pull the image may not succeed.', 'Warning', time);
  const backOff = [{ name: 'pull', image, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } } }];

  it('an "unauthorized" from the attempt without the secret names the secret, not the credential', () => {
    const events = [secretEvent('2026-12-02T18:46:00Z'), at('Pulling', `Pulling image "${image}"`, 'Normal', '2026-12-02T18:46:00Z'), at('Failed', unauthorized, 'Warning', '2026-12-02T18:46:01Z')];
    expect(pullSecretUnavailable(events)).toEqual({ names: 'hc-pull-demo', message: expect.stringContaining('Unable to retrieve some image pull secrets') });
    const d = diagnosePull({ nodeName: 'node-1', containerStatuses: backOff, events });
    expect(d).toMatchObject({ cause: 'pull-secret-unavailable', node: 'node-1', detail: { secrets: 'hc-pull-demo', host: 'harbor.lab.local:5443' } });
    expect(d.message).toContain('401 Unauthorized');
    // Events only (no status yet): the same.
    expect(diagnosePull({ nodeName: 'node-1', events }).cause).toBe('pull-secret-unavailable');
  });

  it('the first attempt: a sandbox that took seconds to create still ties the secret failure to its pull (the red CI of stop 17)', () => {
    // Secret read at :00, the sandbox ready and "Pulling" at :05 on a loaded node, 401 at :06.
    const events = [secretEvent('2026-12-02T18:46:00Z'), at('Pulling', `Pulling image "${image}"`, 'Normal', '2026-12-02T18:46:05Z'), at('Failed', unauthorized, 'Warning', '2026-12-02T18:46:06Z')];
    expect(pullSecretUnavailable(events)?.names).toBe('hc-pull-demo');
    expect(diagnosePull({ nodeName: 'node-1', containerStatuses: backOff, events }).cause).toBe('pull-secret-unavailable');
  });

  it('a later attempt that had the secret and still got "unauthorized" blames the credential', () => {
    // kubelet aggregates the retry's "Pulling" into the first one: count 2, lastTimestamp the retry's.
    const retry = { ...at('Pulling', `Pulling image "${image}"`, 'Normal', '2026-12-02T18:46:15Z'), firstTimestamp: '2026-12-02T18:46:00Z', count: 2 };
    const events = [secretEvent('2026-12-02T18:46:00Z'), retry, { ...at('Failed', unauthorized, 'Warning', '2026-12-02T18:46:16Z'), count: 2 }];
    expect(pullSecretUnavailable(events)).toBeUndefined();
    expect(diagnosePull({ nodeName: 'node-1', containerStatuses: backOff, events }).cause).toBe('unauthorized');
  });

  it('a TLS failure stays a TLS failure with or without the secret', () => {
    const x509 = `Failed to pull image "${image}": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
    const events = [secretEvent('2026-12-02T18:46:00Z'), at('Pulling', `Pulling image "${image}"`, 'Normal', '2026-12-02T18:46:00Z'), at('Failed', x509, 'Warning', '2026-12-02T18:46:01Z')];
    expect(diagnosePull({ nodeName: 'node-1', containerStatuses: backOff, events }).cause).toBe('unknown-authority');
  });
});
