// Per-user authorization the way ks-apiserver's RBAC authorizer walks it: global role, then the cluster
// role, then (for a namespaced request) the role of the namespace's workspace, then the project role.
// Rules and roles come from KubeSphere's role templates (roletemplates.ts); memberships from accounts.ts.
import type { Authorizer, LabUser, RequestAttributes, Store } from '../contract';
import { findAccount, WORKSPACE_LABEL, workspaceOfProject } from './accounts';
import { AUTHENTICATED_RULES, CLUSTER_ROLES, GLOBAL_ROLES, NAMESPACE_ROLES, WORKSPACE_ROLES, type PolicyRule } from './roletemplates';

function has(list: string[] | undefined, value: string): boolean {
  return !!list && (list.includes('*') || list.includes(value));
}

export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!rule.resources || !rule.apiGroups) return false;
  if (!has(rule.verbs, attributes.verb)) return false;
  if (!has(rule.apiGroups, attributes.apiGroup)) return false;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const resourceOk =
    rule.resources.includes('*') ||
    rule.resources.includes(resource) ||
    (!!attributes.subresource && rule.resources.includes(`*/${attributes.subresource}`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return !!attributes.name && rule.resourceNames.includes(attributes.name);
  return true;
}

/** Kubernetes' wording for a denied request (k8s.io/apiserver forbiddenMessage). */
export function forbiddenReason(user: LabUser, attributes: RequestAttributes): string {
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : 'at the cluster scope';
  return `User "${user.name}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.apiGroup}" ${where}`;
}

/** The whole Status message: `secrets "x" is forbidden: User "…" cannot …`. */
export function forbiddenMessage(user: LabUser, attributes: RequestAttributes): string {
  const qualified = attributes.apiGroup ? `${attributes.resource}.${attributes.apiGroup}` : attributes.resource;
  const named = attributes.name ? `${qualified} "${attributes.name}"` : qualified;
  return `${named} is forbidden: ${forbiddenReason(user, attributes)}`;
}

/** The workspace a namespace belongs to: its label in the store, else the lab's fixed layout. */
export function workspaceOf(store: Store | undefined, namespace: string): string | undefined {
  const type = store?.typeFor('', 'namespaces');
  const object = type ? store!.get(type, undefined, namespace) : undefined;
  return object?.metadata.labels?.[WORKSPACE_LABEL] ?? (object ? undefined : workspaceOfProject(namespace));
}

/** Every rule that applies to the user for a request in `namespace` (or cluster-wide when undefined). */
export function rulesFor(store: Store | undefined, user: LabUser, namespace: string | undefined): PolicyRule[] {
  const rules: PolicyRule[] = [];
  if (user.groups.includes('system:authenticated') || findAccount(user.name)) rules.push(...AUTHENTICATED_RULES);
  const account = findAccount(user.name);
  if (!account) return rules;
  // A user may read their own User object (KubeSphere's `authenticated` rego override).
  rules.push({ apiGroups: ['iam.kubesphere.io'], resources: ['users'], verbs: ['get'], resourceNames: [account.name] });
  rules.push(...GLOBAL_ROLES[account.globalRole].rules);
  if (account.clusterRole) rules.push(...CLUSTER_ROLES[account.clusterRole].rules);
  if (namespace) {
    const workspace = workspaceOf(store, namespace);
    const workspaceRole = workspace ? account.workspaces[workspace] : undefined;
    if (workspaceRole) rules.push(...WORKSPACE_ROLES[workspaceRole].rules);
    const projectRole = account.namespaces[namespace];
    if (projectRole) rules.push(...NAMESPACE_ROLES[projectRole].rules);
  }
  return rules;
}

export function createAuthorizer(store: Store): Authorizer {
  return {
    authorize(user, attributes) {
      if (user.groups.includes('system:masters')) return { allowed: true };
      const verb = attributes.verb.toLowerCase();
      const normalized = { ...attributes, verb };
      // A request for one namespace object is also answered by the namespace's own rules
      // (a project member may `get namespaces/demo`).
      const namespace = attributes.namespace ?? (attributes.resource === 'namespaces' && !attributes.subresource ? attributes.name : undefined);
      // Like Kubernetes' RBAC authorizer, a denial has no reason of its own: the REST layer words the
      // Forbidden status (`… is forbidden: User "x" cannot …`, see forbiddenMessage).
      return { allowed: rulesFor(store, user, namespace).some(rule => ruleAllows(rule, normalized)) };
    },
  };
}

/** A non-resource request (`/proxy/...`, `/version`): RBAC nonResourceURLs, `*` suffix as a prefix match. */
export function authorizeNonResource(store: Store | undefined, user: LabUser, verb: string, path: string): { allowed: boolean; reason?: string } {
  if (user.groups.includes('system:masters')) return { allowed: true };
  const lower = verb.toLowerCase();
  const allowed = rulesFor(store, user, undefined).some(
    rule =>
      has(rule.verbs, lower) &&
      !!rule.nonResourceURLs?.some(pattern => pattern === '*' || pattern === path || (pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1)))),
  );
  return allowed ? { allowed: true } : { allowed: false, reason: `User "${user.name}" cannot ${lower} path "${path}"` };
}
