// KubeSphere 4.1's role templates and built-in roles (config/ks-core/templates/roletemplates.yaml,
// builtinroles.yaml, globalroles.yaml), trimmed to the parts the console and the lab use.
// A template carries two things: `iam.kubesphere.io/role-template-rules` (which console menus and actions a
// holder sees) and policy rules (what the API lets the holder do). A built-in role = its base rules plus the
// rules of every template it aggregates (by label or by name), as KubeSphere's roletemplate controller does.
import type { KObject } from '../contract';
import type { ClusterRoleName, GlobalRoleName, NamespaceRoleName, WorkspaceRoleName } from './accounts';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export type Scope = 'global' | 'cluster' | 'workspace' | 'namespace';
type Aggregate = 'operator' | 'viewer' | 'regular' | 'self-provisioner' | 'cluster-viewer';

export interface RoleTemplate {
  name: string;
  scope: Scope;
  /** The console's menu rules, e.g. {"secrets": "view"}. */
  menu: Record<string, string>;
  aggregateTo: Aggregate[];
  rules: PolicyRule[];
  dependencies?: string[];
  hidden?: boolean;
  displayName: string;
}

const VIEW = ['get', 'list', 'watch'];
const ALL = ['*'];
const any = (resources: string[], verbs: string[]): PolicyRule => ({ apiGroups: ['*'], resources, verbs });

const NAMESPACE_RESOURCES = [
  'namespaces', 'configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'podtemplates',
  'replicationcontrollers', 'resourcequotas', 'secrets', 'serviceaccounts', 'services', 'applications',
  'controllerrevisions', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'ingresses',
  'router', 'pods', 'pods/log', 'pods/containers', 'namespacenetworkpolicies', 'networkpolicies',
  'podsecuritypolicies', 'rolebindings', 'roles', 'namespacemembers', 'servicepolicies', 'workspaces', 'quotas',
  'abnormalworkloads', 'workloads', 'strategies',
];
const WORKLOADS = [
  'services', 'applications', 'controllerrevisions', 'deployments', 'replicasets', 'statefulsets', 'daemonsets',
  'jobs', 'cronjobs', 'pods', 'pods/log', 'pods/containers', 'ingresses', 'router', 'horizontalpodautoscalers',
];
const WORKLOAD_MENUS = ['applications', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'pods', 'services', 'ingresses'];
const menus = (keys: string[], action: string) => Object.fromEntries(keys.map(key => [key, action]));

function t(
  name: string,
  scope: Scope,
  menu: Record<string, string>,
  aggregateTo: Aggregate[],
  rules: PolicyRule[],
  extra: Partial<Pick<RoleTemplate, 'dependencies' | 'hidden'>> & { displayName?: string } = {},
): RoleTemplate {
  return { name, scope, menu, aggregateTo, rules, displayName: extra.displayName ?? name, ...extra };
}

export const ROLE_TEMPLATES: RoleTemplate[] = [
  // global
  t('global-create-workspaces', 'global', { workspaces: 'create' }, [], [
    { apiGroups: ['tenant.kubesphere.io'], resources: ['workspaces', 'workspacetemplates'], verbs: ['create', 'watch'] },
  ], { displayName: 'Workspace Creation' }),
  t('global-view-workspaces', 'global', { workspaces: 'view' }, [], [
    any([...NAMESPACE_RESOURCES, 'workspacetemplates', 'workspaceroles', 'workspacemembers', 'workspacerolebindings'], VIEW),
    { apiGroups: ['resources.kubesphere.io'], resources: ['*'], verbs: VIEW },
  ], { displayName: 'Workspace Viewing' }),
  t('global-manage-workspaces', 'global', { workspaces: 'manage' }, [], [
    any([...NAMESPACE_RESOURCES, 'workspacetemplates', 'workspaceroles', 'workspacemembers', 'workspacerolebindings'], ALL),
    { apiGroups: ['resources.kubesphere.io'], resources: ['*'], verbs: ALL },
  ], { displayName: 'Workspace Management', dependencies: ['global-view-workspaces'] }),
  t('global-view-clusters', 'global', { clusters: 'view' }, [], [
    { apiGroups: ['', 'apps', 'batch', 'storage.k8s.io', 'resources.kubesphere.io', 'cluster.kubesphere.io'], resources: ['*'], verbs: VIEW },
  ], { displayName: 'Cluster Viewing' }),
  t('global-manage-clusters', 'global', { clusters: 'manage' }, [], [
    { apiGroups: ['', 'apps', 'batch', 'storage.k8s.io', 'resources.kubesphere.io', 'cluster.kubesphere.io'], resources: ['*'], verbs: ALL },
  ], { displayName: 'Cluster Management', dependencies: ['global-view-clusters'] }),
  t('global-manage-platform-settings', 'global', { 'platform-settings': 'manage' }, [], [
    { apiGroups: ['extensions.kubesphere.io', 'kubesphere.io'], resources: ['*'], verbs: ALL },
  ], { displayName: 'Platform Settings Management', hidden: true }),
  t('global-view-roles', 'global', { roles: 'view' }, [], [
    { apiGroups: ['iam.kubesphere.io'], resources: ['globalroles'], verbs: VIEW },
  ], { displayName: 'Role Viewing', dependencies: ['global-view-users'] }),
  t('global-manage-roles', 'global', { roles: 'manage' }, [], [any(['globalroles'], ALL)], { displayName: 'Role Management', hidden: true }),
  t('global-view-users', 'global', { users: 'view' }, [], [any(['users', 'users/loginrecords'], VIEW)], { displayName: 'User Viewing' }),
  t('global-manage-users', 'global', { users: 'manage' }, [], [
    any(['users', 'users/password', 'users/loginrecords'], ALL),
  ], { displayName: 'User Management', hidden: true }),
  t('global-role-template-manage-app', 'global', { 'manage-app': 'manage' }, [], [
    { apiGroups: ['application.kubesphere.io'], resources: ['*'], verbs: ALL },
  ], { displayName: 'AppStore Management' }),

  // cluster (menu rules only: cluster roles carry their own rules)
  ...([
    ['cluster-settings', 'Cluster Settings'],
    ['customresources', 'Custom Resource Definition'],
    ['members', 'Member'],
    ['roles', 'Role'],
    ['nodes', 'Node'],
    ['projects', 'Project'],
    ['storageclasses', 'Storage Class'],
    ['persistentvolumeclaims', 'Persistent Volume Claim'],
  ] as const).flatMap(([key, title]) => [
    t(`cluster-view-${key === 'customresources' ? 'crds' : key}`, 'cluster', { [key]: 'view' }, ['cluster-viewer'], [], { displayName: `${title} Viewing` }),
    t(`cluster-manage-${key === 'customresources' ? 'crds' : key}`, 'cluster', { [key]: 'manage' }, [], [], { displayName: `${title} Management` }),
  ]),
  t('cluster-view-app-workloads', 'cluster', menus([...WORKLOAD_MENUS.slice(1), 'configmaps', 'secrets', 'serviceaccounts'], 'view'), [], [], {
    displayName: 'Application Workload Viewing',
    dependencies: ['cluster-view-projects'],
  }),
  t('cluster-manage-app-workloads', 'cluster', menus([...WORKLOAD_MENUS.slice(1), 'configmaps', 'secrets', 'serviceaccounts'], 'manage'), [], [], {
    displayName: 'Application Workload Management',
    dependencies: ['cluster-view-app-workloads', 'cluster-view-projects'],
  }),
  t('cluster-view-components', 'cluster', { components: 'view' }, ['cluster-viewer'], [], { displayName: 'System Component Viewing' }),

  // workspace
  t('workspace-view-workspace-settings', 'workspace', { 'workspace-settings': 'view' }, ['regular', 'viewer', 'self-provisioner'], [
    any(['workspaces'], VIEW),
  ], { displayName: 'Workspace Settings Viewing', hidden: true }),
  t('workspace-manage-workspace-settings', 'workspace', { 'workspace-settings': 'manage' }, [], [any(['workspaces'], ALL)], {
    displayName: 'Workspace Settings Management',
    hidden: true,
  }),
  t('workspace-create-projects', 'workspace', { projects: 'create' }, ['self-provisioner'], [
    any(['workspaces', 'workspacemembers', 'quotas', 'abnormalworkloads', 'pods'], VIEW),
    any(['namespaces', 'federatednamespaces'], ['create', 'watch']),
  ], { displayName: 'Project Creation' }),
  t('workspace-view-projects', 'workspace', { projects: 'view' }, ['viewer'], [
    any(NAMESPACE_RESOURCES, VIEW),
    { apiGroups: ['apps', 'extensions', 'batch', 'autoscaling', 'app.k8s.io', 'operations.kubesphere.io', 'resources.kubesphere.io'], resources: ['*'], verbs: VIEW },
  ], { displayName: 'Project Viewing' }),
  t('workspace-manage-projects', 'workspace', { projects: 'manage' }, [], [
    { apiGroups: ['apps', 'extensions', 'batch', 'autoscaling', 'app.k8s.io', 'operations.kubesphere.io', 'resources.kubesphere.io'], resources: ['*'], verbs: ALL },
    any([...NAMESPACE_RESOURCES, 'pods/exec', 'meshpolicies'], ALL),
  ], { displayName: 'Project Management', dependencies: ['workspace-view-projects', 'workspace-view-members', 'workspace-create-projects'] }),
  t('workspace-view-members', 'workspace', { members: 'view' }, ['viewer', 'self-provisioner', 'regular'], [any(['workspacemembers'], VIEW)], {
    displayName: 'Member Viewing',
  }),
  t('workspace-manage-members', 'workspace', { members: 'manage' }, [], [any(['workspacemembers'], ALL), any(['workspaceroles'], VIEW)], {
    displayName: 'Member Management',
    hidden: true,
  }),
  t('workspace-view-roles', 'workspace', { roles: 'view' }, ['viewer', 'regular', 'self-provisioner'], [any(['workspaceroles'], VIEW)], {
    displayName: 'Role Viewing',
    dependencies: ['workspace-view-members'],
  }),
  t('workspace-manage-roles', 'workspace', { roles: 'manage' }, [], [any(['workspaceroles'], ALL)], { displayName: 'Role Management', hidden: true }),

  // namespace (project)
  t('namespace-view-project-settings', 'namespace', { 'project-settings': 'view' }, ['operator', 'viewer'], [
    any(['namespaces'], ['get']),
    { apiGroups: ['resources.kubesphere.io'], resources: ['quotas', 'metrics'], verbs: ['list'] },
    { apiGroups: [''], resources: ['limitranges'], verbs: ['list'] },
  ], { displayName: 'Project Settings Viewing', hidden: true }),
  t('namespace-manage-project-settings', 'namespace', { 'project-settings': 'manage' }, [], [any(['*'], ALL)], {
    displayName: 'Project Settings Management',
    hidden: true,
  }),
  t('namespace-view-members', 'namespace', { members: 'view' }, ['operator', 'viewer'], [any(['namespacemembers', 'rolebindings'], VIEW)], {
    displayName: 'Member Viewing',
  }),
  t('namespace-manage-members', 'namespace', { members: 'manage' }, [], [any(['namespacemembers', 'rolebindings'], ALL)], {
    displayName: 'Member Management',
    hidden: true,
  }),
  t('namespace-view-roles', 'namespace', { roles: 'view' }, ['operator', 'viewer'], [any(['roles'], VIEW)], {
    displayName: 'Role Viewing',
    dependencies: ['namespace-view-members'],
  }),
  t('namespace-manage-roles', 'namespace', { roles: 'manage' }, [], [any(['roles'], ALL)], { displayName: 'Role Management', hidden: true }),
  t('namespace-view-app-workloads', 'namespace', menus(WORKLOAD_MENUS, 'view'), ['operator', 'viewer'], [
    any([...WORKLOADS, 'configmaps', 'secrets'], VIEW),
  ], { displayName: 'Application Workload Viewing', dependencies: ['namespace-view-volumes', 'namespace-view-secrets', 'namespace-view-configmaps'] }),
  t('namespace-manage-app-workloads', 'namespace', menus(WORKLOAD_MENUS, 'manage'), ['operator'], [
    any([...WORKLOADS, 'pods/exec', 'workloads'], ALL),
    any(['secrets'], ['list']),
  ], { displayName: 'Application Workload Management', dependencies: ['namespace-view-app-workloads'] }),
  t('namespace-view-configmaps', 'namespace', { configmaps: 'view' }, ['operator', 'viewer'], [any(['configmaps'], VIEW)], {
    displayName: 'ConfigMap Viewing',
  }),
  t('namespace-manage-configmaps', 'namespace', { configmaps: 'manage' }, ['operator'], [any(['configmaps'], ALL)], {
    displayName: 'ConfigMap Management',
    dependencies: ['namespace-view-configmaps'],
  }),
  t('namespace-view-secrets', 'namespace', { secrets: 'view' }, ['operator', 'viewer'], [any(['secrets'], VIEW)], { displayName: 'Secret Viewing' }),
  t('namespace-manage-secrets', 'namespace', { secrets: 'manage' }, ['operator'], [any(['secrets'], ALL)], {
    displayName: 'Secret Management',
    dependencies: ['namespace-view-secrets'],
  }),
  t('namespace-view-serviceaccount', 'namespace', { serviceaccounts: 'view' }, ['operator', 'viewer'], [any(['serviceaccounts'], VIEW)], {
    displayName: 'Service Account Viewing',
    dependencies: ['namespace-view-roles', 'namespace-view-secrets'],
  }),
  // Not aggregated to operator: in KubeSphere only the project admin role picks this template.
  t('namespace-manage-serviceaccount', 'namespace', { serviceaccounts: 'manage' }, [], [any(['serviceaccounts'], ALL)], {
    displayName: 'Service Account Management',
    dependencies: ['namespace-view-serviceaccount'],
  }),
  t('namespace-view-persistentvolumeclaims', 'namespace', { persistentvolumeclaims: 'view' }, ['operator', 'viewer'], [
    any(['persistentvolumeclaims'], VIEW),
    any(['pods'], ['list']),
  ], { displayName: 'PersistentVolumeClaims Viewing' }),
  t('namespace-manage-persistentvolumeclaims', 'namespace', { persistentvolumeclaims: 'manage' }, ['operator'], [
    any(['persistentvolumeclaims'], ALL),
    any(['pods'], ['list']),
  ], { displayName: 'PersistentVolumeClaims Management', dependencies: ['namespace-view-persistentvolumeclaims'] }),
];

export interface BuiltinRole {
  scope: Scope;
  name: string;
  /** Base rules written in the built-in role. */
  rules: PolicyRule[];
  templateNames: string[];
}

function aggregate(scope: Scope, rules: PolicyRule[], select: (template: RoleTemplate) => boolean, name: string): BuiltinRole {
  const templates = ROLE_TEMPLATES.filter(template => template.scope === scope && select(template));
  return { scope, name, rules: [...rules, ...templates.flatMap(template => template.rules)], templateNames: templates.map(template => template.name) };
}

const everything: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }];
const readEverything: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: VIEW }];

export const GLOBAL_ROLES: Record<GlobalRoleName, BuiltinRole> = {
  'platform-admin': aggregate('global', everything, () => true, 'platform-admin'),
  'platform-regular': { scope: 'global', name: 'platform-regular', rules: [], templateNames: [] },
};

/**
 * What KubeSphere's `authenticated` global role grants every logged-in user, less `nodes`: KubeSphere 4.1
 * lets any user get/list nodes; the lab keeps nodes to platform and cluster admins/viewers (lab decision).
 */
export const AUTHENTICATED_RULES: PolicyRule[] = [
  { apiGroups: ['config.kubesphere.io'], resources: ['configs'], verbs: ['get', 'list'] },
  { apiGroups: ['iam.kubesphere.io'], resources: ['users', 'roletemplates', 'categories'], verbs: ['list'] },
  { apiGroups: ['resources.kubesphere.io'], resources: ['registry', 'git'], verbs: ['get', 'create'] },
  { apiGroups: ['resources.kubesphere.io'], resources: ['clusters'], verbs: ['get', 'list'] },
  { apiGroups: ['*'], resources: ['storageclasses', 'storageclasscapabilities'], verbs: ['get', 'list'] },
  { apiGroups: ['resources.kubesphere.io'], resources: ['namespaces', 'services'], verbs: ['list'] },
  { apiGroups: ['extensions.kubesphere.io'], resources: ['jsbundles', 'extensionentries'], verbs: ['get', 'list'] },
  { apiGroups: ['kubesphere.io'], resources: ['extensions'], verbs: ['get', 'list'] },
  // Kubernetes' system:basic-user: anyone may ask what they may do.
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
  { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/', '/healthz', '/openapi/*'], verbs: ['get'] },
];

export const CLUSTER_ROLES: Record<ClusterRoleName, BuiltinRole> = {
  'cluster-admin': aggregate('cluster', everything, () => true, 'cluster-admin'),
  'cluster-viewer': aggregate('cluster', readEverything, template => template.aggregateTo.includes('cluster-viewer'), 'cluster-viewer'),
};

const WORKSPACE_ADMIN_TEMPLATES = [
  'workspace-manage-workspace-settings', 'workspace-view-workspace-settings', 'workspace-manage-projects', 'workspace-view-projects',
  'workspace-create-projects', 'workspace-view-members', 'workspace-manage-members', 'workspace-manage-roles', 'workspace-view-roles',
];

export const WORKSPACE_ROLES: Record<WorkspaceRoleName, BuiltinRole> = {
  admin: aggregate('workspace', everything.slice(0, 1), template => WORKSPACE_ADMIN_TEMPLATES.includes(template.name), 'admin'),
  regular: aggregate('workspace', [any(['workspaces', 'workspacemembers'], VIEW)], template => template.aggregateTo.includes('regular'), 'regular'),
  viewer: aggregate('workspace', readEverything, template => template.aggregateTo.includes('viewer'), 'viewer'),
  'self-provisioner': aggregate('workspace', [], template => template.aggregateTo.includes('self-provisioner'), 'self-provisioner'),
};

/**
 * Project roles. admin and viewer are KubeSphere's. operator is the union of the templates aggregated to it
 * over read-all: KubeSphere 4.1's operator BuiltinRole also writes `"" * *` into its base rules, which would
 * let an operator edit ServiceAccounts through the API although its menus say "view"; the lab follows the
 * templates (ServiceAccounts and Roles read-only for operators).
 */
export const NAMESPACE_ROLES: Record<NamespaceRoleName, BuiltinRole> = {
  admin: aggregate('namespace', everything.slice(0, 1), () => true, 'admin'),
  operator: aggregate('namespace', readEverything, template => template.aggregateTo.includes('operator'), 'operator'),
  viewer: aggregate('namespace', readEverything, template => template.aggregateTo.includes('viewer'), 'viewer'),
};

/** A template as ks-apiserver serves it (iam.kubesphere.io/v1beta1 RoleTemplate). */
export function roleTemplateObject(template: RoleTemplate): KObject {
  const annotations: Record<string, string> = { 'iam.kubesphere.io/role-template-rules': JSON.stringify(template.menu) };
  if (template.dependencies) annotations['iam.kubesphere.io/dependencies'] = JSON.stringify(template.dependencies);
  const labels: Record<string, string> = {
    'iam.kubesphere.io/scope': template.scope,
    'iam.kubesphere.io/category': `${template.scope}-${Object.keys(template.menu)[0] ?? 'other'}`,
    'kubesphere.io/managed': 'true',
  };
  for (const target of template.aggregateTo) labels[`iam.kubesphere.io/aggregate-to-${target}`] = '';
  if (template.hidden) labels['iam.kubesphere.io/hidden-role-template'] = 'true';
  return {
    apiVersion: 'iam.kubesphere.io/v1beta1',
    kind: 'RoleTemplate',
    metadata: { name: template.name, labels, annotations },
    spec: { displayName: { en: template.displayName }, rules: template.rules },
  };
}

export function templatesNamed(names: string[]): RoleTemplate[] {
  return names.flatMap(name => ROLE_TEMPLATES.filter(template => template.name === name));
}
