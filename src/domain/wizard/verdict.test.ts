import { describe, expect, it } from 'vitest';
import { credentialVerdict, mayWriteCredential } from './verdict';
import type { PullTestOutcome } from './results';
import { diagnosePull } from '../diagnosis';

// kubelet's own words on the lab (containerd 1.6, docker-registry 2.8 with htpasswd): what a pull test pod reports.
const failed = (message: string): PullTestOutcome => {
  const diagnosis = diagnosePull({
    containerStatuses: [{ name: 'pull', image: 'harbor.lab.local:5443/library/busybox:latest', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message } } }],
    events: [{ reason: 'Failed', type: 'Warning', message, involvedObject: { name: 'hc-pulltest-x', kind: 'Pod' } }],
    nodeName: 'node-1',
  });
  return { state: 'failed', diagnosis, message, node: 'node-1' };
};
const UNAUTHORIZED = failed(
  'Failed to pull image "harbor.lab.local:5443/library/busybox:latest": rpc error: code = Unknown desc = failed to pull and unpack image "harbor.lab.local:5443/library/busybox:latest": failed to resolve reference "harbor.lab.local:5443/library/busybox:latest": pulling from host harbor.lab.local:5443 failed with status code [manifests latest]: 401 Unauthorized',
);
const X509 = failed(
  'Failed to pull image "harbor.lab.local:5443/library/busybox:latest": rpc error: code = Unknown desc = failed to pull and unpack image "harbor.lab.local:5443/library/busybox:latest": failed to resolve reference "harbor.lab.local:5443/library/busybox:latest": failed to do request: Head "https://harbor.lab.local:5443/v2/library/busybox/manifests/latest": tls: failed to verify certificate: x509: certificate signed by unknown authority',
);
// The gateway's answer to the lab registry (private CA), as verifyWithKubeSphere classifies it.
const VERIFY_X509 = { state: 'x509' as const, detail: 'registry auth failed with err: Get "https://harbor.lab.local:5443/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority' };

describe('credentialVerdict', () => {
  it('nothing ran: unchecked', () => {
    expect(credentialVerdict({})).toEqual({ state: 'unchecked' });
  });

  it('KubeSphere logged in, or the registry refused: decided by KubeSphere', () => {
    expect(credentialVerdict({ verify: { state: 'ok' } })).toEqual({ state: 'accepted', by: 'kubesphere' });
    expect(credentialVerdict({ verify: { state: 'unauthorized', detail: '401' } })).toEqual({ state: 'rejected', by: 'kubesphere', cause: 'unauthorized' });
  });

  it('a private CA: KubeSphere cannot judge (not a failure); only a pull test can tell', () => {
    expect(credentialVerdict({ verify: VERIFY_X509 })).toEqual({ state: 'unknown', by: 'kubesphere', cause: 'x509', kubesphereNotApplicable: true });
    expect(credentialVerdict({ verify: VERIFY_X509, pullTest: UNAUTHORIZED })).toEqual({ state: 'rejected', by: 'pull-test', cause: 'unauthorized' });
    expect(credentialVerdict({ verify: VERIFY_X509, pullTest: { state: 'pulled', node: 'node-2' } })).toEqual({ state: 'accepted', by: 'pull-test' });
  });

  it('a pull test that fails for another cause (the nodes do not trust the CA) cannot tell either', () => {
    expect(X509.diagnosis?.cause).toBe('unknown-authority');
    expect(credentialVerdict({ verify: VERIFY_X509, pullTest: X509 })).toEqual({ state: 'unknown', by: 'pull-test', cause: 'unknown-authority', kubesphereNotApplicable: true });
    expect(credentialVerdict({ pullTest: { state: 'timeout' } })).toEqual({ state: 'unknown', by: 'pull-test', cause: 'timeout' });
    expect(credentialVerdict({ pullTest: { state: 'error', message: 'pods is forbidden' } })).toEqual({ state: 'unknown', by: 'pull-test', cause: 'error' });
  });

  it('what the nodes see wins over KubeSphere when it is conclusive; otherwise KubeSphere\'s answer stands', () => {
    expect(credentialVerdict({ verify: { state: 'ok' }, pullTest: UNAUTHORIZED }).state).toBe('rejected');
    expect(credentialVerdict({ verify: { state: 'unauthorized' }, pullTest: X509 })).toEqual({ state: 'rejected', by: 'kubesphere', cause: 'unauthorized' });
  });

  it('a registry KubeSphere cannot reach, or a forbidden verify, cannot tell', () => {
    expect(credentialVerdict({ verify: { state: 'unreachable' } }).state).toBe('unknown');
    expect(credentialVerdict({ verify: { state: 'error', detail: 'forbidden' } })).toEqual({ state: 'unknown', by: 'kubesphere', cause: 'error' });
  });
});

describe('mayWriteCredential', () => {
  it('accepted: yes; refused or unchecked: never; no answer: only by the explicit choice', () => {
    expect(mayWriteCredential({ state: 'accepted' }, false)).toBe(true);
    expect(mayWriteCredential({ state: 'rejected' }, true)).toBe(false);
    expect(mayWriteCredential({ state: 'unchecked' }, true)).toBe(false);
    expect(mayWriteCredential({ state: 'unknown' }, false)).toBe(false);
    expect(mayWriteCredential({ state: 'unknown' }, true)).toBe(true);
  });
});
