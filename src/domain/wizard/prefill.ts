// The edit path (/image-registries/:registry/edit): the wizard's starting state from the registry record and the
// pull secrets made from it. The user name is read back from a pull secret; the password never is (it is typed again).
import type { Secret } from 'kubernetes-types/core/v1';
import { inspectCertificate } from '../cert';
import { getDockerConfigCredential } from '../dockerconfig';
import { COMPONENT_LABEL, type RegistryRecord } from '../record';
import type { WizardAction } from './state';

/** The actions that fill the wizard from `record` in `cluster`; `copies`: every Secret there labelled with the registry. */
export function prefillActions(record: RegistryRecord, copies: readonly Secret[], cluster: string): WizardAction[] {
  const pulls = copies.filter((s) => !s.metadata?.labels?.[COMPONENT_LABEL]);
  const address = record.address || record.serverKey;
  const out: WizardAction[] = [{ type: 'address', value: address }];
  if (record.insecure) out.push({ type: 'insecure', value: true });
  if (record.displayName && record.displayName !== record.serverKey) out.push({ type: 'displayName', value: record.displayName });
  out.push({
    type: 'set',
    patch: {
      caChoice: record.caPem ? 'custom' : 'public',
      caText: record.caPem ?? '',
      caFileName: undefined,
      inspection: record.caPem ? inspectCertificate(record.caPem, { host: address }) : undefined,
      inspectedText: record.caPem ?? '',
      trustMode: record.trustMode === 'manual' ? 'manual' : 'automatic',
      kind: record.kind,
      ...(pulls[0]?.metadata?.name ? { secretName: pulls[0].metadata.name, secretNameTouched: true } : {}),
    },
  });
  out.push({ type: 'setProjects', cluster, names: [...new Set(pulls.map((s) => s.metadata?.namespace ?? ''))].filter(Boolean), on: true });
  // Only the user name leaves this function: the password read with it is dropped here.
  const username = pulls.map((s) => getDockerConfigCredential(s, record.serverKey)?.username).find(Boolean);
  if (username) out.push({ type: 'credentials', patch: { username } });
  return out;
}
