// events.k8s.io/v1 Event is another representation of the core/v1 Event objects (the apiserver stores one kind
// and converts): this is that conversion, and the field-label mapping between the two.
import type { KObject } from './contract';
import { badRequest } from './errors';
import { parseFieldSelector } from './selectors';

type Obj = Record<string, any>;

/** The storage type a view reads and writes, and how objects convert. */
export interface View {
  storage: { group: string; resource: string };
  toStorage(o: KObject): KObject;
  fromStorage(o: KObject): KObject;
  fieldSelector(s: string | undefined): string | undefined;
}

const RENAMES: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

export const eventsV1View: View = {
  storage: { group: '', resource: 'events' },
  toStorage(o) {
    const { apiVersion: _a, kind: _k, ...rest } = o as Obj;
    const out: Obj = { apiVersion: 'v1', kind: 'Event' };
    for (const [k, v] of Object.entries(rest)) {
      const r = RENAMES.find(([from]) => from === k);
      out[r ? r[1] : k] = v;
    }
    return out as KObject;
  },
  fromStorage(o) {
    const { apiVersion: _a, kind: _k, ...rest } = o as Obj;
    const out: Obj = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };
    for (const [k, v] of Object.entries(rest)) {
      const r = RENAMES.find(([, to]) => to === k);
      out[r ? r[0] : k] = v;
    }
    return out as KObject;
  },
  fieldSelector(s) {
    if (!s) return s;
    return parseFieldSelector(s)
      .map((r) => {
        let f = r.field;
        if (f.startsWith('regarding.')) f = `involvedObject.${f.slice('regarding.'.length)}`;
        else if (f === 'reportingController') f = 'reportingComponent';
        else if (!['metadata.name', 'metadata.namespace', 'reason', 'type'].includes(f)) throw badRequest(`field label not supported: ${f}`);
        const value = r.value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
        return `${f}${r.operator}${value}`;
      })
      .join(',');
  },
};
