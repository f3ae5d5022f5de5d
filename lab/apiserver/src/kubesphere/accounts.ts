// The lab's tenancy, as KubeSphere would hold it after an admin set it up: one cluster (`host`), two
// workspaces, three projects, five logins. Memberships are fixed here (the lab has no member-management UI);
// the API serves them in KubeSphere's shapes and the authorizer enforces them.

/** Every lab login uses this password (the KubeSphere default-admin password pattern). */
export const LAB_PASSWORD = 'P@88w0rd';
export const CLUSTER_NAME = 'host';
export const WORKSPACE_LABEL = 'kubesphere.io/workspace';

export type GlobalRoleName = 'platform-admin' | 'platform-regular';
export type WorkspaceRoleName = 'admin' | 'regular' | 'viewer' | 'self-provisioner';
export type NamespaceRoleName = 'admin' | 'operator' | 'viewer';
export type ClusterRoleName = 'cluster-admin' | 'cluster-viewer';

export interface LabAccount {
  name: string;
  email: string;
  /** What `npm start` prints beside the login. */
  description: string;
  globalRole: GlobalRoleName;
  clusterRole?: ClusterRoleName;
  workspaces: Record<string, WorkspaceRoleName>;
  namespaces: Record<string, NamespaceRoleName>;
}

export const LAB_WORKSPACES: Record<string, { projects: string[]; manager: string }> = {
  'demo-ws': { projects: ['demo', 'demo-2'], manager: 'ws-admin' },
  'other-ws': { projects: ['other'], manager: 'admin' },
};

export const LAB_ACCOUNTS: LabAccount[] = [
  {
    name: 'admin',
    email: 'admin@kubesphere.io',
    description: 'platform-admin (everything)',
    globalRole: 'platform-admin',
    clusterRole: 'cluster-admin',
    workspaces: {},
    namespaces: {},
  },
  {
    name: 'ws-admin',
    email: 'ws-admin@example.com',
    description: 'workspace admin of demo-ws (projects demo, demo-2)',
    globalRole: 'platform-regular',
    workspaces: { 'demo-ws': 'admin' },
    namespaces: {},
  },
  {
    name: 'demo-admin',
    email: 'demo-admin@example.com',
    description: 'project admin of demo',
    globalRole: 'platform-regular',
    workspaces: { 'demo-ws': 'regular' },
    namespaces: { demo: 'admin' },
  },
  {
    name: 'demo-operator',
    email: 'demo-operator@example.com',
    description: 'project operator of demo',
    globalRole: 'platform-regular',
    workspaces: { 'demo-ws': 'regular' },
    namespaces: { demo: 'operator' },
  },
  {
    name: 'demo-viewer',
    email: 'demo-viewer@example.com',
    description: 'project viewer of demo',
    globalRole: 'platform-regular',
    workspaces: { 'demo-ws': 'regular' },
    namespaces: { demo: 'viewer' },
  },
];

/** The lab controller's identity (token in <labDir>/apiserver/system-token). */
export const SYSTEM_USER = { name: 'system:lab-controller', groups: ['system:masters', 'system:authenticated'] };

export function findAccount(name: string | undefined): LabAccount | undefined {
  return LAB_ACCOUNTS.find(account => account.name === name);
}

export function workspaceOfProject(namespace: string): string | undefined {
  return Object.entries(LAB_WORKSPACES).find(([, ws]) => ws.projects.includes(namespace))?.[0];
}
