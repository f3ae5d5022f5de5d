// The node-fit rules the default scheduler and the DaemonSet controller share: nodeSelector, required node affinity,
// taints vs tolerations (component-helpers/scheduling/corev1).
import type { KObj } from './kubeclient';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}
interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if ((toleration.operator ?? 'Equal') === 'Exists') return !toleration.key || toleration.key === taint.key;
  return (toleration.key ?? '') === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

export function nodeTaints(node: KObj): Taint[] {
  const taints = [...((node.spec?.taints ?? []) as Taint[])];
  // The scheduler treats spec.unschedulable like this taint.
  if (node.spec?.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable')) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  }
  return taints;
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(node: KObj, tolerations: Toleration[]): Taint | undefined {
  return nodeTaints(node).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => tolerates(tol, t)));
}

function matchRequirement(req: Requirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

export function matchesNodeSelectorTerms(node: KObj, terms: Array<{ matchExpressions?: Requirement[]; matchFields?: Requirement[] }>): boolean {
  const labels = node.metadata.labels ?? {};
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (!exprs.length && !fields.length) return false;
    return (
      exprs.every((r) => matchRequirement(r, labels[r.key])) &&
      fields.every((r) => matchRequirement(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
    );
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function matchesNodeSelectorAndAffinity(podSpec: any, node: KObj): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const required = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required?.nodeSelectorTerms && !matchesNodeSelectorTerms(node, required.nodeSelectorTerms)) return false;
  return true;
}

export type FitFailure = 'selector' | { taint: Taint } | 'nodeName';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podFitsNode(podSpec: any, node: KObj): FitFailure | undefined {
  if (podSpec?.nodeName && podSpec.nodeName !== node.metadata.name) return 'nodeName';
  if (!matchesNodeSelectorAndAffinity(podSpec, node)) return 'selector';
  const taint = untoleratedTaint(node, (podSpec?.tolerations ?? []) as Toleration[]);
  if (taint) return { taint };
  return undefined;
}

/** The scheduler's FailedScheduling text, e.g. "0/3 nodes are available: 3 node(s) didn't match …". */
export function failedSchedulingMessage(total: number, failures: FitFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) {
    const reason =
      f === 'selector'
        ? "node(s) didn't match Pod's node affinity/selector"
        : f === 'nodeName'
          ? "node(s) didn't match the requested node name"
          : `node(s) had untolerated taint {${f.taint.key}: ${f.taint.value ?? ''}}`;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
