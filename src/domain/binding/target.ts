// One object to bind a pull secret to (or unbind it from): a ServiceAccount or a workload, named by kind and name.
import { planBinding, planUnbinding, type Workload, type WorkloadKind } from './index';

export type TargetKind = 'ServiceAccount' | WorkloadKind;

export interface BindTarget {
  kind: TargetKind;
  name: string;
}

export const API_VERSION_OF: Record<TargetKind, string> = {
  ServiceAccount: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** The binding (or unbinding) plan for one target as read (`obj`): guarded writes that keep every other entry. */
export function planForTarget(obj: Record<string, unknown>, target: BindTarget, secretName: string, mode: 'bind' | 'unbind') {
  const typed = { ...obj, kind: target.kind };
  const input =
    target.kind === 'ServiceAccount'
      ? { secretName, serviceAccounts: [typed as never] }
      : { secretName, workloads: [typed as unknown as Workload] };
  return mode === 'bind' ? planBinding(input) : planUnbinding(input);
}
