// What a project admin can know about the registries that serve their project, from their own project alone: a
// project admin may not read the extension namespace (the registry records), but may read the project's Secrets,
// and every pull secret the extension writes there carries its labels (managed-by, registry) and its creator.
// Pure functions over objects as read (no React, no network).
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { buildPullSecret } from '../dockerconfig';
import { COMPONENT_LABEL, registryIdFromServerKey } from '../record';
import { CREATOR_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../plan/labels';
import type { Write } from '../plan/write';
import { PULL_TEST_COMPONENT, defaultTestImage } from '../pulltest';
import { credentialKeyMatchesHost, credentialMatchesImage, normalizeRegistryAddress, type RegistryAddress } from '../registry';
import { creatorOf, describeCredential, isPullSecret, podSpecImages, podSpecOf, pullSecretNames, serviceAccountOf } from './model';
import { planBinding, type Workload, type WorkloadKind } from './index';

/** The component label of a credential added on the project page: the project's own, not a cluster registry. */
export const PROJECT_CREDENTIAL_COMPONENT = 'project-credential';

export interface ProjectWorkload {
  kind: WorkloadKind;
  name: string;
  obj: Workload;
}

export interface SecretUsers {
  /** ServiceAccounts whose imagePullSecrets name the secret. */
  serviceAccounts: string[];
  /** Workloads whose pods get it: named in their own template, or through their ServiceAccount (`via`). */
  workloads: Array<{ kind: WorkloadKind; name: string; via?: string }>;
}

export function secretUsers(name: string, serviceAccounts: readonly ServiceAccount[], workloads: readonly ProjectWorkload[]): SecretUsers {
  const sas = serviceAccounts.filter((sa) => pullSecretNames(sa.imagePullSecrets).includes(name)).map((sa) => sa.metadata?.name ?? '');
  const out: SecretUsers['workloads'] = [];
  for (const w of workloads) {
    const spec = podSpecOf(w.obj);
    const sa = serviceAccountOf(spec);
    if (pullSecretNames(spec?.imagePullSecrets).includes(name)) out.push({ kind: w.kind, name: w.name });
    // A pod spec with its own imagePullSecrets does not get its ServiceAccount's (the admission copies them only
    // into a pod that names none).
    else if (!pullSecretNames(spec?.imagePullSecrets).length && sas.includes(sa)) out.push({ kind: w.kind, name: w.name, via: sa });
  }
  return { serviceAccounts: sas, workloads: out };
}

const labelsOf = (s: Secret) => s.metadata?.labels ?? {};

/** A pull secret the extension wrote for a registry (not a pull test's temporary one). */
function isOurPullSecret(s: Secret): boolean {
  const l = labelsOf(s);
  return isPullSecret(s) && l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !!l[REGISTRY_LABEL] && l[COMPONENT_LABEL] !== PULL_TEST_COMPONENT;
}

export interface ClusterRegistry {
  registryId: string;
  /** The pull secret the cluster administrator's connection wrote in this project. */
  secret: string;
  /** Registry addresses as written in the secret (its auths keys). */
  addresses: string[];
  /** Who connected it (the console user the wizard recorded), when recorded. */
  creator?: string;
  created?: string;
  users: SecretUsers;
}

/**
 * The registries a cluster administrator connected to this project (the wizard's pull secrets here: ours, with the
 * registry label, not a project credential nor a pull test's), with who connected each and who uses it.
 */
export function clusterRegistries(secrets: readonly Secret[], serviceAccounts: readonly ServiceAccount[], workloads: readonly ProjectWorkload[]): ClusterRegistry[] {
  return secrets
    .filter((s) => isOurPullSecret(s) && labelsOf(s)[COMPONENT_LABEL] !== PROJECT_CREDENTIAL_COMPONENT)
    .map((s) => {
      const c = describeCredential(s);
      return {
        registryId: labelsOf(s)[REGISTRY_LABEL]!,
        secret: c.name,
        addresses: c.serverKeys,
        ...(c.creator ? { creator: c.creator } : {}),
        ...(c.created ? { created: c.created } : {}),
        users: secretUsers(c.name, serviceAccounts, workloads),
      };
    })
    .sort((a, b) => a.registryId.localeCompare(b.registryId) || a.secret.localeCompare(b.secret));
}

export interface LegacyPullSecret {
  /** The pull secret that is not ours. */
  secret: string;
  /** Its auths key that serves the registry. */
  serverKey: string;
  /** The registry (host[:port]) it shares with ours. */
  host: string;
  /** Our pull secrets for that registry in this project. */
  ours: string[];
  registryId: string;
  creator?: string;
  users: SecretUsers;
}

function authorityOf(serverKey: string): string | undefined {
  const r = normalizeRegistryAddress(serverKey, { allowInsecure: true });
  return r.ok ? r.value.authority : undefined;
}

/**
 * Pull secrets of the project that are not ours but hold credentials for a registry one of ours serves (e.g. a
 * hand-made `regcred` from before the registry was connected): kubelet offers both to that registry, so stale
 * credentials there are worth a check. One entry per secret and registry.
 */
export function legacyPullSecrets(secrets: readonly Secret[], serviceAccounts: readonly ServiceAccount[], workloads: readonly ProjectWorkload[]): LegacyPullSecret[] {
  const ours = secrets.filter(isOurPullSecret);
  const hosts = new Map<string, { registryId: string; secrets: string[] }>();
  for (const s of ours) {
    for (const key of describeCredential(s).serverKeys) {
      const host = authorityOf(key);
      if (!host) continue;
      const h = hosts.get(host) ?? { registryId: labelsOf(s)[REGISTRY_LABEL]!, secrets: [] };
      h.secrets.push(s.metadata?.name ?? '');
      hosts.set(host, h);
    }
  }
  const out: LegacyPullSecret[] = [];
  for (const s of secrets) {
    if (!isPullSecret(s) || labelsOf(s)[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) continue;
    const c = describeCredential(s);
    for (const [host, h] of hosts) {
      const serverKey = c.serverKeys.find((k) => credentialKeyMatchesHost(k, host));
      if (serverKey === undefined) continue;
      out.push({
        secret: c.name,
        serverKey,
        host,
        ours: [...new Set(h.secrets)].sort(),
        registryId: h.registryId,
        ...(c.creator ? { creator: c.creator } : {}),
        users: secretUsers(c.name, serviceAccounts, workloads),
      });
    }
  }
  return out.sort((a, b) => a.secret.localeCompare(b.secret) || a.host.localeCompare(b.host));
}

/**
 * The image a pull test of `serverKey`'s credentials pulls: one this project's workloads pull from that registry
 * (it exists, and the credential should read it), else the registry's default test image.
 */
export function testImageFor(serverKey: string, workloads: readonly ProjectWorkload[]): string {
  for (const w of workloads) {
    const image = podSpecImages(podSpecOf(w.obj)).find((i) => credentialMatchesImage(serverKey, i));
    if (image) return image;
  }
  return defaultTestImage(serverKey);
}

export interface ProjectCredentialInput {
  address: RegistryAddress;
  username: string;
  password: string;
  name: string;
  namespace: string;
  /** The console user, recorded as the creator. */
  createdBy?: string;
  /** Bind it to this ServiceAccount in the same plan. */
  bindTo?: ServiceAccount;
}

/**
 * The project page's "Add Project Credential": a dockerconfigjson Secret labelled as ours and as the project's own
 * credential, with its creator; then, optionally, a guarded binding to one ServiceAccount.
 */
export function planProjectCredential(input: ProjectCredentialInput): Write[] {
  const body = buildPullSecret({
    server: input.address,
    username: input.username,
    password: input.password,
    name: input.name,
    namespace: input.namespace,
    registryId: registryIdFromServerKey(input.address.serverKey),
    ...(input.createdBy ? { annotations: { [CREATOR_ANNOTATION]: input.createdBy } } : {}),
  });
  const meta = body.metadata as { labels: Record<string, string> };
  meta.labels = { ...meta.labels, [COMPONENT_LABEL]: PROJECT_CREDENTIAL_COMPONENT };
  const out: Write[] = [
    {
      action: 'create',
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: input.namespace,
      name: input.name,
      body,
      reason: { key: 'HARBOR_CONNECT_PROJECT_REASON_CREATE_SECRET', params: { name: input.name, host: input.address.authority, namespace: input.namespace } },
    },
  ];
  if (input.bindTo) out.push(...planBinding({ secretName: input.name, serviceAccounts: [input.bindTo] }).writes);
  return out;
}

export { creatorOf };
