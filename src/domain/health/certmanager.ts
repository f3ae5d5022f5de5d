// The cert-manager Certificate the health panel offers to create for a registry that has none: a planned write
// (previewed, then applied like any other plan).
import { parseRegistryHost } from '../cert/host';
import { managedLabels } from '../plan/labels';
import type { Write } from '../plan/write';
import { DEFAULT_EXTENSION_NAMESPACE, type RegistryRecord } from '../record';
import { hostOf } from './checks';

export interface IssuerChoice {
  kind: 'Issuer' | 'ClusterIssuer' | string;
  name: string;
}

/** A Certificate for the registry's host (an IP SAN for an IP address, a DNS name otherwise), issued by `issuer`. */
export function planRegistryCertificate(record: RegistryRecord, issuer: IssuerChoice, namespace = DEFAULT_EXTENSION_NAMESPACE): Write {
  const { host } = hostOf(record);
  const isIp = parseRegistryHost(host)?.kind === 'ip';
  const certName = `hc-cert-${record.id}`.slice(0, 63);
  return {
    action: 'create',
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    namespace,
    name: certName,
    body: {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: certName, namespace, labels: managedLabels(record.id) },
      spec: {
        secretName: `${certName}-tls`,
        issuerRef: { name: issuer.name, kind: issuer.kind, group: 'cert-manager.io' },
        ...(isIp ? { ipAddresses: [host] } : { dnsNames: [host], commonName: host }),
        usages: ['server auth', 'digital signature', 'key encipherment'],
      },
    },
    reason: { key: 'HARBOR_CONNECT_HEALTH_CM_WHY_CREATE', params: { host, issuer: issuer.name } },
  };
}

/** Issuers and ClusterIssuers as the panel lists them. */
export function issuerChoices(clusterIssuers: Array<{ metadata?: { name?: string } }>, issuers: Array<{ metadata?: { name?: string } }>): IssuerChoice[] {
  return [
    ...clusterIssuers.map((i) => ({ kind: 'ClusterIssuer', name: i.metadata?.name ?? '' })),
    ...issuers.map((i) => ({ kind: 'Issuer', name: i.metadata?.name ?? '' })),
  ];
}
