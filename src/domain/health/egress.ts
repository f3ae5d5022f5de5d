// The NetworkPolicies the health panel offers where a project's egress policy blocks the registry.
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { planAllowEgress } from '../netpol';
import type { Write } from '../plan/write';
import type { RegistryRecord } from '../record';
import type { Destination } from './checks';

/** One allow-egress write per blocked project; undefined while the registry's address is unknown. Throws NetpolPlanError. */
export function planEgressFixes(record: RegistryRecord, dest: Destination, namespaces: readonly string[], policies: readonly NetworkPolicy[]): Write[] | undefined {
  if ('needsAddress' in dest) return undefined;
  return namespaces.map((ns) =>
    planAllowEgress({
      namespace: ns,
      ...(dest.cidr ? { cidr: dest.cidr } : { ip: dest.ip }),
      port: dest.port,
      registryId: record.id,
      existingPolicies: policies.filter((p) => p.metadata?.namespace === ns),
    }),
  );
}
