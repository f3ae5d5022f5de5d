// What the current user may do in a project, asked of KubeSphere itself by dry runs of the very requests
// (src/api/access.ts: ks-apiserver authorizes with its own RBAC, then calls kube-apiserver as itself, so a
// SelfSubjectAccessReview would not tell), and why not.
import { useQueries } from '@tanstack/react-query';
import { checkAccess, type AccessVerdict } from '../../api/access';
import type { ClusterContext } from '../../api/cluster';
import { queryKeys } from '../../api/queryKeys';
import { tr } from '../../i18n/t';

export type PermissionId = 'patchServiceAccounts' | 'createSecrets' | 'patchDeployments' | 'patchStatefulSets' | 'patchDaemonSets' | 'patchCronJobs';

export interface PermissionCheck {
  id: PermissionId;
  verb: 'patch' | 'create';
  group: string;
  resource: string;
}

/**
 * What binding needs. KubeSphere v4.1.3's project roles operator and admin both grant every one of them (the
 * operator role's rules allow every verb on the core, apps and batch groups: config/ks-core builtinroles.yaml), so
 * a denial always names those two roles; the dry run, not this list, decides.
 */
export const CHECKS: readonly PermissionCheck[] = [
  { id: 'patchServiceAccounts', verb: 'patch', group: '', resource: 'serviceaccounts' },
  { id: 'createSecrets', verb: 'create', group: '', resource: 'secrets' },
  { id: 'patchDeployments', verb: 'patch', group: 'apps', resource: 'deployments' },
  { id: 'patchStatefulSets', verb: 'patch', group: 'apps', resource: 'statefulsets' },
  { id: 'patchDaemonSets', verb: 'patch', group: 'apps', resource: 'daemonsets' },
  { id: 'patchCronJobs', verb: 'patch', group: 'batch', resource: 'cronjobs' },
];

export const CHECK_FOR_KIND: Record<string, PermissionId> = {
  ServiceAccount: 'patchServiceAccounts',
  Deployment: 'patchDeployments',
  StatefulSet: 'patchStatefulSets',
  DaemonSet: 'patchDaemonSets',
  CronJob: 'patchCronJobs',
  Job: 'patchDeployments',
};

export interface ProjectPermissions {
  loading: boolean;
  /** undefined while unknown. */
  allowed: Partial<Record<PermissionId, boolean>>;
  /** The translated reason for each denied check. */
  reasons: Partial<Record<PermissionId, string>>;
  error?: unknown;
}

/** "You cannot patch serviceaccounts in project demo. The project roles operator and admin allow it; ask a project admin." */
export function deniedReason(check: PermissionCheck, namespace: string): string {
  const resource = check.group ? `${check.resource}.${check.group}` : check.resource;
  return tr('HARBOR_CONNECT_PROJECT_DENIED_OPERATOR', {
    verb: check.verb,
    resource,
    namespace,
  });
}

export function useProjectPermissions(cluster: ClusterContext, namespace: string): ProjectPermissions {
  const results = useQueries({
    queries: CHECKS.map((c) => {
      const question = { verb: c.verb, group: c.group, resource: c.resource, namespace };
      return {
        queryKey: queryKeys.access(cluster.name, question),
        queryFn: ({ signal }: { signal?: AbortSignal }) => checkAccess(cluster, question, { signal }),
        staleTime: 60_000,
        enabled: !!namespace,
      };
    }),
  });
  const allowed: ProjectPermissions['allowed'] = {};
  const reasons: ProjectPermissions['reasons'] = {};
  let error: unknown;
  results.forEach((r, i) => {
    const c = CHECKS[i];
    const data = r.data as AccessVerdict | undefined;
    if (r.isError) {
      error = r.error;
      allowed[c.id] = false;
      reasons[c.id] = deniedReason(c, namespace);
    } else if (data) {
      allowed[c.id] = data.allowed;
      if (!data.allowed) reasons[c.id] = deniedReason(c, namespace);
    }
  });
  return { loading: results.some((r) => r.isLoading), allowed, reasons, error };
}
