// The edit path (/image-registries/:registry/edit): the wizard starts from the registry record and the
// projects holding its pull secrets (domain/wizard/prefill.ts). One query, key queryKeys.composite.wizardPrefill.
import React, { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Secret } from 'kubernetes-types/core/v1';
import { queryKeys, secrets, type ClusterContext } from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import { DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, recordSecretName } from '../../domain/record';
import type { WizardAction } from '../../domain/wizard/state';
import { prefillActions } from '../../domain/wizard/prefill';

/** The record and every Secret labelled with the registry. */
export async function fetchPrefill(cluster: ClusterContext, registryId: string, signal?: AbortSignal) {
  const rec = await secrets.get(cluster, recordSecretName(registryId), { namespace: DEFAULT_EXTENSION_NAMESPACE, signal });
  const parsed = parseRegistryRecord(rec);
  if (!parsed.ok) throw new Error(`registry record ${registryId}: ${parsed.reason}`);
  const copies = (await secrets.list(cluster, { labelSelector: managedSelector(registryId), signal })).items as Secret[];
  return { record: parsed.record, copies };
}

export function usePrefill(cluster: ClusterContext, registryId: string | undefined, dispatch: React.Dispatch<WizardAction>) {
  const q = useQuery({
    queryKey: queryKeys.composite.wizardPrefill(cluster.name, registryId ?? ''),
    queryFn: ({ signal }) => fetchPrefill(cluster, registryId as string, signal),
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
    for (const action of prefillActions(q.data.record, q.data.copies)) dispatch(action);
  }, [q.data, registryId, dispatch]);
  // Loading until the state is filled (the effect above runs after the render that brings the data).
  return { loading: !!registryId && !q.isError && done.current !== registryId, error: q.error ?? undefined };
}
