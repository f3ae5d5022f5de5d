// The edit path (/image-registries/:registry/edit): the wizard starts from the registry record and the
// projects holding its pull secrets. Credentials are not read back: the user types them again (rotation).
import React, { useEffect, useState } from 'react';
import type { Secret } from 'kubernetes-types/core/v1';
import { secrets, type ClusterContext } from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import { inspectCertificate } from '../../domain/cert';
import { DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, recordSecretName, COMPONENT_LABEL } from '../../domain/record';
import type { WizardAction } from './state';

export function usePrefill(cluster: ClusterContext, registryId: string | undefined, dispatch: React.Dispatch<WizardAction>) {
  const [loading, setLoading] = useState(!!registryId);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!registryId) return undefined;
    const ctl = new AbortController();
    (async () => {
      const rec = await secrets.get(cluster, recordSecretName(registryId), { namespace: DEFAULT_EXTENSION_NAMESPACE, signal: ctl.signal });
      const parsed = parseRegistryRecord(rec);
      if (!parsed.ok) throw new Error(`registry record ${registryId}: ${parsed.reason}`);
      const r = parsed.record;
      const copies = (await secrets.list(cluster, { labelSelector: managedSelector(registryId), signal: ctl.signal })).items as Secret[];
      const pulls = copies.filter((s) => !s.metadata?.labels?.[COMPONENT_LABEL]);
      const address = r.address || r.serverKey;
      dispatch({ type: 'address', value: address });
      if (r.insecure) dispatch({ type: 'insecure', value: true });
      if (r.displayName && r.displayName !== r.serverKey) dispatch({ type: 'displayName', value: r.displayName });
      dispatch({
        type: 'set',
        patch: {
          caChoice: r.caPem ? 'custom' : 'public',
          caText: r.caPem ?? '',
          caFileName: undefined,
          inspection: r.caPem ? inspectCertificate(r.caPem, { host: address }) : undefined,
          inspectedText: r.caPem ?? '',
          trustMode: r.trustMode === 'manual' ? 'manual' : 'automatic',
          kind: r.kind,
          projects: [...new Set(pulls.map((s) => s.metadata?.namespace ?? ''))].filter(Boolean).sort(),
          ...(pulls[0]?.metadata?.name ? { secretName: pulls[0].metadata.name, secretNameTouched: true } : {}),
        },
      });
    })()
      .catch((e) => {
        if (!ctl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [cluster, registryId, dispatch]);
  return { loading, error };
}
