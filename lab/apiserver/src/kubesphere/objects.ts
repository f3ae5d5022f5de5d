// KubeSphere-shaped objects the lab serves: users, workspaces, the host cluster, the extension's JSBundle.
import type { KObject } from '../contract';
import { CLUSTER_NAME, LAB_WORKSPACES, type LabAccount } from './accounts';

export const EXTENSION_NAME = 'harbor-connect';
export const BUNDLE_LINK = `/dist/${EXTENSION_NAME}/index.js`;
export const KS_VERSION = 'v4.1.1';
export const K8S_VERSION = 'v1.30.0';
/** When the lab's tenancy "was created": fixed, so listings sort the same on every start. */
const CREATED = '2024-06-01T00:00:00Z';

const lastLogin = new Map<string, string>();

export function recordLogin(username: string): void {
  lastLogin.set(username, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

export function userObject(account: LabAccount): KObject {
  return {
    apiVersion: 'iam.kubesphere.io/v1beta1',
    kind: 'User',
    metadata: {
      name: account.name,
      creationTimestamp: CREATED,
      annotations: {
        'iam.kubesphere.io/globalrole': account.globalRole,
        'kubesphere.io/creator': 'admin',
        'kubesphere.io/description': account.description,
      },
      labels: { 'kubesphere.io/managed': 'true' },
    },
    spec: { email: account.email, lang: 'en' },
    status: { state: 'Active', ...(lastLogin.has(account.name) ? { lastLoginTime: lastLogin.get(account.name) } : {}) },
  };
}

export function workspaceTemplateObject(name: string): KObject {
  const ws = LAB_WORKSPACES[name]!;
  return {
    apiVersion: 'tenant.kubesphere.io/v1beta1',
    kind: 'WorkspaceTemplate',
    metadata: {
      name,
      creationTimestamp: CREATED,
      labels: { 'kubesphere.io/managed': 'true' },
      annotations: { 'kubesphere.io/creator': 'admin', 'kubesphere.io/description': `Lab workspace ${name}` },
    },
    spec: {
      template: { metadata: {}, spec: { manager: ws.manager } },
      placement: { clusters: [{ name: CLUSTER_NAME }] },
    },
  };
}

/** tenant.kubesphere.io Workspace (what a workspace template becomes on a member cluster). */
export function workspaceObject(template: KObject): KObject {
  const spec = (template.spec as { template?: { spec?: { manager?: string } } } | undefined)?.template?.spec ?? {};
  return {
    apiVersion: 'tenant.kubesphere.io/v1beta1',
    kind: 'Workspace',
    metadata: { ...template.metadata },
    spec: { manager: spec.manager },
    status: {},
  };
}

export function clusterObject(nodeCount: number): KObject {
  return {
    apiVersion: 'cluster.kubesphere.io/v1alpha1',
    kind: 'Cluster',
    metadata: {
      name: CLUSTER_NAME,
      uid: '00000000-0000-4000-8000-000000000001',
      creationTimestamp: CREATED,
      labels: { 'cluster-role.kubesphere.io/host': '', 'kubesphere.io/managed': 'true' },
      annotations: { 'kubesphere.io/description': 'The Harbor Connect lab cluster (API stand-in)' },
    },
    spec: { provider: 'Lab', enable: true, joinFederation: false, connection: { type: 'direct' } },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Cluster is available now', lastTransitionTime: CREATED, lastUpdateTime: CREATED }],
      kubernetesVersion: K8S_VERSION,
      kubeSphereVersion: KS_VERSION,
      nodeCount,
      uid: '00000000-0000-4000-8000-000000000001',
    },
  };
}

export function jsBundleObject(): KObject {
  return {
    apiVersion: 'extensions.kubesphere.io/v1alpha1',
    kind: 'JSBundle',
    metadata: {
      name: EXTENSION_NAME,
      creationTimestamp: CREATED,
      resourceVersion: '1',
      labels: { 'kubesphere.io/extension-ref': EXTENSION_NAME },
      // The lab answers status.link itself, from <repo>/dist/index.js read on every request (routes.ts).
      annotations: { 'lab.harbor-connect.io/served-from': 'dist/index.js' },
    },
    spec: {},
    status: { link: BUNDLE_LINK, state: 'Available' },
  };
}

export function extensionObject(): KObject {
  return {
    apiVersion: 'kubesphere.io/v1alpha1',
    kind: 'Extension',
    metadata: {
      name: EXTENSION_NAME,
      creationTimestamp: CREATED,
      labels: { 'kubesphere.io/category': 'devops' },
      annotations: {},
    },
    spec: { displayName: { en: 'Harbor Connect', zh: 'Harbor Connect' }, description: { en: 'Connect a private HTTPS registry' } },
    status: {
      enabled: true,
      installedVersion: '0.1.0',
      recommendedVersion: '0.1.0',
      state: 'Installed',
      clusterSchedulingStatuses: { [CLUSTER_NAME]: { state: 'Installed' } },
    },
  };
}

export function configz(): Record<string, unknown> {
  return {
    authentication: { authenticateRateLimiterMaxTries: 10, authenticateRateLimiterDuration: '10m0s', loginHistoryRetentionPeriod: '168h', multipleLogin: true },
    // 'none': single-cluster console (a 'host' value makes the console fetch member clusters).
    multicluster: { clusterRole: 'none' },
    terminal: { image: 'alpine:3.15', timeout: 600 },
  };
}
