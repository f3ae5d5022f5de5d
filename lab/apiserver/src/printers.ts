// Server-side printing: `kubectl get` asks for meta.k8s.io/v1 Table; the columns follow
// pkg/printers/internalversion/printers.go for the kinds the lab serves, NAME/AGE otherwise.
import type { KObject } from './contract';
import type { TypeDef } from './types';

type Obj = Record<string, any>;

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

interface Printer {
  columns: Column[];
  cells: (o: Obj) => unknown[];
}

/** duration.HumanDuration from k8s.io/apimachinery. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const since = (ts: unknown) => (typeof ts === 'string' && ts ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>');
const age = (o: Obj) => since(o.metadata?.creationTimestamp);
const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
const ageCol: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };
const col = (name: string, type = 'string', priority = 0): Column => ({ name, type, description: '', priority });

const containersOf = (spec: Obj | undefined) => ((spec?.template?.spec?.containers ?? []) as Obj[]);
const names = (cs: Obj[]) => cs.map((c) => c.name).join(',');
const images = (cs: Obj[]) => cs.map((c) => c.image).join(',');
function selectorString(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function podStatus(o: Obj): { ready: string; status: string; restarts: string } {
  const cs = (o.spec?.containers ?? []) as Obj[];
  const statuses = (o.status?.containerStatuses ?? []) as Obj[];
  let status: string = o.status?.reason || o.status?.phase || 'Unknown';
  let restarts = 0;
  let ready = 0;
  for (const s of statuses) {
    restarts += s.restartCount ?? 0;
    if (s.ready && s.state?.running) ready++;
    if (s.state?.waiting?.reason) status = s.state.waiting.reason;
    else if (s.state?.terminated?.reason) status = s.state.terminated.reason;
  }
  if (o.metadata?.deletionTimestamp) status = 'Terminating';
  return { ready: `${ready}/${cs.length}`, status, restarts: String(restarts) };
}

const PRINTERS: Record<string, Printer> = {
  '/Namespace': { columns: [nameCol, col('Status'), ageCol], cells: (o) => [o.metadata.name, o.status?.phase ?? '', age(o)] },
  '/Node': {
    columns: [nameCol, col('Status'), col('Roles'), ageCol, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (o) => {
      const ready = ((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      if (o.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length));
      const addr = (t: string) => ((o.status?.addresses ?? []) as Obj[]).find((a) => a.type === t)?.address ?? '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [o.metadata.name, status, roles.length ? roles.join(',') : '<none>', age(o), info.kubeletVersion ?? '', addr('InternalIP'), addr('ExternalIP'), info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  '/Pod': {
    columns: [nameCol, col('Ready'), col('Status'), col('Restarts', 'string'), ageCol, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o) => {
      const s = podStatus(o);
      return [o.metadata.name, s.ready, s.status, s.restarts, age(o), o.status?.podIP || '<none>', o.spec?.nodeName || '<none>', o.status?.nominatedNodeName || '<none>', '<none>'];
    },
  },
  '/Secret': {
    columns: [nameCol, col('Type'), col('Data', 'string'), ageCol],
    cells: (o) => [o.metadata.name, o.type ?? '', Object.keys(o.data ?? {}).length, age(o)],
  },
  '/ConfigMap': { columns: [nameCol, col('Data', 'string'), ageCol], cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o)] },
  '/ServiceAccount': { columns: [nameCol, col('Secrets', 'string'), ageCol], cells: (o) => [o.metadata.name, (o.secrets ?? []).length, age(o)] },
  '/Event': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'string', 1), { ...nameCol, priority: 1 }],
    cells: (o) => {
      const first = o.firstTimestamp ? since(o.firstTimestamp) : since(o.eventTime);
      let last = o.lastTimestamp ? since(o.lastTimestamp) : first;
      let count = o.count ?? 0;
      if (o.series) {
        last = since(o.series.lastObservedTime);
        count = o.series.count;
      } else if (count === 0) count = 1;
      const io = o.involvedObject ?? {};
      const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
      const src = o.source?.component ? (o.source.host ? `${o.source.component}, ${o.source.host}` : o.source.component) : o.reportingController ?? '';
      return [last, o.type ?? '', o.reason ?? '', target, io.fieldPath ?? '', src, String(o.message ?? '').trim(), first, count, o.metadata.name];
    },
  },
  '/Service': {
    columns: [nameCol, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), ageCol, col('Selector', 'string', 1)],
    cells: (o) => {
      const ports = ((o.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
      const sel = Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [o.metadata.name, o.spec?.type ?? '', o.spec?.clusterIP || '<none>', '<none>', ports || '<none>', age(o), sel || '<none>'];
    },
  },
  '/Endpoints': { columns: [nameCol, col('Endpoints'), ageCol], cells: (o) => [o.metadata.name, '<none>', age(o)] },
  'apps/Deployment': {
    columns: [nameCol, col('Ready'), col('Up-to-date', 'string'), col('Available', 'string'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const cs = containersOf(o.spec);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o), names(cs), images(cs), selectorString(o.spec?.selector)];
    },
  },
  'apps/StatefulSet': {
    columns: [nameCol, col('Ready'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o) => {
      const cs = containersOf(o.spec);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o), names(cs), images(cs)];
    },
  },
  'apps/DaemonSet': {
    columns: [nameCol, col('Desired', 'string'), col('Current', 'string'), col('Ready', 'string'), col('Up-to-date', 'string'), col('Available', 'string'), col('Node Selector'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const cs = containersOf(o.spec);
      const s = o.status ?? {};
      const ns = Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, ns || '<none>', age(o), names(cs), images(cs), selectorString(o.spec?.selector)];
    },
  },
  'apps/ReplicaSet': {
    columns: [nameCol, col('Desired', 'string'), col('Current', 'string'), col('Ready', 'string'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const cs = containersOf(o.spec);
      return [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o), names(cs), images(cs), selectorString(o.spec?.selector)];
    },
  },
  'batch/Job': {
    columns: [nameCol, col('Status'), col('Completions'), col('Duration'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const cs = containersOf(o.spec);
      const conds = (o.status?.conditions ?? []) as Obj[];
      const status = conds.find((c) => c.type === 'Complete' && c.status === 'True') ? 'Complete' : conds.find((c) => c.type === 'Failed' && c.status === 'True') ? 'Failed' : o.spec?.suspend ? 'Suspended' : 'Running';
      const start = o.status?.startTime;
      const end = o.status?.completionTime;
      const duration = start ? humanDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start)) : '';
      return [o.metadata.name, status, `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, duration, age(o), names(cs), images(cs), selectorString(o.spec?.selector)];
    },
  },
  'batch/CronJob': {
    columns: [nameCol, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'string'), col('Last Schedule'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const cs = ((o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as Obj[]);
      return [o.metadata.name, o.spec?.schedule ?? '', o.spec?.timeZone ?? '<none>', Boolean(o.spec?.suspend), (o.status?.active ?? []).length, o.status?.lastScheduleTime ? since(o.status.lastScheduleTime) : '<none>', age(o), names(cs), images(cs), selectorString(o.spec?.jobTemplate?.spec?.selector)];
    },
  },
  'networking.k8s.io/NetworkPolicy': {
    columns: [nameCol, col('Pod-Selector'), ageCol],
    cells: (o) => [o.metadata.name, selectorString(o.spec?.podSelector) === '<none>' ? '<none>' : selectorString(o.spec?.podSelector), age(o)],
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    columns: [nameCol, { name: 'Created At', type: 'date', description: '' }],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
};

const DEFAULT: Printer = {
  columns: [nameCol, { name: 'Age', type: 'date', description: ageCol.description }],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A meta.k8s.io/v1 Table of objects, rows carrying PartialObjectMetadata (or the object, or nothing). */
export function toTable(t: TypeDef, objects: KObject[], opts: { resourceVersion?: string; continue?: string; remainingItemCount?: number; includeObject?: IncludeObject; noHeaders?: boolean }): KObject {
  // A view (events.k8s.io Event) prints as the stored kind does.
  const p = PRINTERS[t.view ? `${t.view.storage.group}/${t.kind}` : `${t.group}/${t.kind}`] ?? DEFAULT;
  const asStored = (o: KObject) => (t.view ? t.view.toStorage(o) : o);
  const include = opts.includeObject ?? 'Metadata';
  const columns = p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: opts.resourceVersion,
      ...(opts.continue ? { continue: opts.continue } : {}),
      ...(opts.remainingItemCount !== undefined ? { remainingItemCount: opts.remainingItemCount } : {}),
    },
    ...(opts.noHeaders ? {} : { columnDefinitions: columns }),
    rows: objects.map((o) => ({
      cells: p.cells(asStored(o) as Obj),
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
          }),
    })),
  } as KObject;
}
