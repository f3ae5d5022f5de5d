import { resourceClient } from '../resource';
import type { Event } from '../models';
import { selector } from '../paths';

export const events = resourceClient<Event>({
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
});

/** The field selector for the events about one object (what `kubectl describe` shows). */
export function eventsFor(kind: string, name: string, uid?: string): string {
  return selector({
    'involvedObject.kind': kind,
    'involvedObject.name': name,
    ...(uid ? { 'involvedObject.uid': uid } : {}),
  }) as string;
}
