// The lab's second cluster, member-1, joined to the host the way KubeSphere joins a directly connected cluster:
// everything the console (and the extension) does on it goes through the host's KubeSphere, prefixed
// /clusters/member-1, with the user's host token, which the member's KubeSphere accepts (it shares the host's
// JWT secret) and authorizes with its own role bindings. Needs a lab started with a member (HC_LAB_MEMBERS=1;
// `npm test` starts one).
import { describe, expect, it } from 'vitest';
import { gatewayAs, waitFor } from './testing';

const MEMBER = 'member-1';

const as = gatewayAs;

describe('member cluster through the host', () => {
  it('the host lists both clusters, the member Ready with its own Kubernetes and node', async () => {
    const clusters = await as('admin', 'GET', '/kapis/tenant.kubesphere.io/v1beta1/clusters');
    expect(clusters.status).toBe(200);
    const member = clusters.json.items.find((c: any) => c.metadata.name === MEMBER);
    expect(clusters.json.items.map((c: any) => c.metadata.name).sort()).toEqual(['host', MEMBER]);
    expect(member.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(member.status.kubernetesVersion).toBe('v1.31.14');
    expect(member.status.nodeCount).toBe(1);
    // As KubeSphere's clusters getter answers: never the member's kubeconfig (its admin credentials).
    expect(member.spec.connection.type).toBe('direct');
    expect(member.spec.connection.kubeconfig).toBeUndefined();
    const one = await as('admin', 'GET', `/kapis/resources.kubesphere.io/v1alpha3/clusters/${MEMBER}`);
    expect(one.status).toBe(200);
    expect(one.json.spec.connection.kubeconfig).toBeUndefined();
  });

  it('/clusters/member-1/… reaches the member: its nodes, its projects of demo-ws', async () => {
    const nodes = await as('admin', 'GET', `/clusters/${MEMBER}/api/v1/nodes`);
    expect(nodes.status).toBe(200);
    expect(nodes.json.items.map((n: any) => n.metadata.name)).toEqual([`${MEMBER}-node-1`]);
    const projects = await as('ws-admin', 'GET', `/clusters/${MEMBER}/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces`);
    expect(projects.status).toBe(200);
    expect(projects.json.items.map((n: any) => n.metadata.name).sort()).toEqual(['demo', 'demo-2']);
  });

  it('a project admin\'s host token is accepted on the member and authorized by the member\'s own bindings', async () => {
    expect((await as('demo-admin', 'GET', `/clusters/${MEMBER}/api/v1/namespaces/demo/serviceaccounts`)).status).toBe(200);
    expect((await as('demo-admin', 'GET', `/clusters/${MEMBER}/api/v1/namespaces/other/serviceaccounts`)).status).toBe(403);
  });

  it('a pod created through the host runs on the member\'s node', async () => {
    const name = `hc-lab-member-${Date.now().toString(36)}`;
    const created = await as('admin', 'POST', `/clusters/${MEMBER}/api/v1/namespaces/demo/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { restartPolicy: 'Never', automountServiceAccountToken: false, containers: [{ name: 'c', image: 'lab.local/busybox:1.36', command: ['sh', '-c', 'echo member'] }] },
    });
    expect(created.status).toBe(201);
    try {
      const pod = await waitFor('the pod completes on the member', async () => {
        const r = await as('admin', 'GET', `/clusters/${MEMBER}/api/v1/namespaces/demo/pods/${name}`);
        return r.json.status?.phase === 'Succeeded' && r.json;
      }, 90_000);
      expect(pod.spec.nodeName).toBe(`${MEMBER}-node-1`);
    } finally {
      await as('admin', 'DELETE', `/clusters/${MEMBER}/api/v1/namespaces/demo/pods/${name}`);
    }
  });
});
