// The edit path (/image-registries/:registry/edit): the wizard starts from the registry record and the
// projects holding its pull secrets (domain/wizard/prefill.ts). One query, key queryKeys.composite.registryCopies.
import React, { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { queryKeys, type ClusterContext } from '../../api';
import { fetchRegistryCopies } from './load';
import type { WizardAction } from '../../domain/wizard/state';
import { prefillActions } from '../../domain/wizard/prefill';

export function usePrefill(cluster: ClusterContext, registryId: string | undefined, dispatch: React.Dispatch<WizardAction>) {
  const q = useQuery({
    queryKey: queryKeys.composite.registryCopies(cluster.name, registryId ?? ''),
    queryFn: ({ signal }) => fetchRegistryCopies(cluster, registryId as string, signal),
    enabled: !!registryId,
    // Read once per visit: a later read must not overwrite what the user typed since.
    staleTime: Infinity,
    cacheTime: 0,
    retry: false,
  });
  const done = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!q.data || !registryId || done.current === registryId) return;
    done.current = registryId;
    for (const action of prefillActions(q.data.record, q.data.copies, cluster.name)) dispatch(action);
  }, [q.data, registryId, dispatch, cluster.name]);
  // Loading until the state is filled (the effect above runs after the render that brings the data).
  return { loading: !!registryId && !q.isError && done.current !== registryId, error: q.error ?? undefined };
}
