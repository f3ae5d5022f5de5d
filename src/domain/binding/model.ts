// What the project page shows about pull secrets: pure functions over objects as read (no React, no network).
import type { LocalObjectReference, Pod, PodSpec, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import {
  DOCKERCFG_TYPE,
  DOCKER_CONFIG_JSON_TYPE,
  parseDockerConfigJson,
} from '../dockerconfig';
import { credentialMatchesImage } from '../registry';
import { CREATOR_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../plan/labels';
import { RECORD_ANNOTATIONS } from '../record/keys';
import { applyJsonPatch, applyStrategicMergePatch } from '../plan/jsonpatch';
import type { Write } from '../plan/write';
import { workloadKind, type Workload, type WorkloadKind } from './index';

export { CREATOR_ANNOTATION };
export const PULL_SECRET_TYPES = [DOCKER_CONFIG_JSON_TYPE, DOCKERCFG_TYPE] as const;

export interface CredentialInfo {
  name: string;
  type: string;
  /** Registry keys (serverKey as written in the secret); empty when unreadable. */
  serverKeys: string[];
  creator?: string;
  /** Made by Harbor Connect (managed-by label). */
  managed: boolean;
  registry?: string;
  /** Why the secret cannot be used by kubelet, when it cannot (a parse error code). */
  problem?: string;
  created?: string;
}

/** Who created an object: KubeSphere's creator annotation, else the extension's own created-by (the record's key). */
export function creatorOf(o: { metadata?: { annotations?: Record<string, string> | null } | null }): string | undefined {
  const a = o.metadata?.annotations ?? {};
  return a[CREATOR_ANNOTATION] || a[RECORD_ANNOTATIONS.createdBy] || undefined;
}

export function isPullSecret(s: Secret): boolean {
  return (PULL_SECRET_TYPES as readonly string[]).includes(s.type ?? '');
}

/** A pull secret as the page lists it: type, registries, creator, whether it is ours. Never the password. */
export function describeCredential(s: Secret): CredentialInfo {
  const parsed = parseDockerConfigJson({ type: s.type, data: s.data ?? undefined });
  const labels = s.metadata?.labels ?? {};
  return {
    name: s.metadata?.name ?? '',
    type: s.type ?? '',
    serverKeys: parsed.ok ? parsed.entries.map((e) => e.serverKey) : 'entries' in parsed && Array.isArray((parsed as { entries?: unknown }).entries)
      ? ((parsed as { entries: Array<{ serverKey: string }> }).entries.map((e) => e.serverKey))
      : [],
    creator: creatorOf(s),
    managed: labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
    registry: labels[REGISTRY_LABEL],
    problem: parsed.ok ? undefined : parsed.error,
    created: s.metadata?.creationTimestamp,
  };
}

const TEMPLATE_SPEC: Record<WorkloadKind, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function podSpecOf(w: Workload): PodSpec | undefined {
  const kind = workloadKind(w);
  if (!kind) return undefined;
  let cur: unknown = w;
  for (const p of TEMPLATE_SPEC[kind]) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur as PodSpec | undefined;
}

export function podSpecImages(spec: PodSpec | undefined): string[] {
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '').filter(Boolean);
  return [...new Set(all)];
}

export function pullSecretNames(list: readonly LocalObjectReference[] | null | undefined): string[] {
  return (list ?? []).map((r) => r?.name ?? '').filter(Boolean);
}

export function serviceAccountOf(spec: PodSpec | undefined): string {
  const s = spec as (PodSpec & { serviceAccount?: string }) | undefined;
  return s?.serviceAccountName || s?.serviceAccount || 'default';
}

export type BindingWarning =
  | { code: 'missing'; secret: string }
  | { code: 'host-mismatch'; secret: string; hosts: string; images: string }
  | { code: 'not-pull-secret'; secret: string; type: string };

/**
 * Warnings for a list of pull secrets used by pods running `images`: a secret missing in the project, a secret
 * of a type kubelet ignores, or one that serves none of the images' registries (credentialMatchesImage).
 * With no images (a ServiceAccount), only missing / wrong type.
 */
export function bindingWarnings(
  names: readonly string[],
  secrets: ReadonlyMap<string, Secret>,
  images: readonly string[] = [],
): BindingWarning[] {
  const out: BindingWarning[] = [];
  for (const name of names) {
    const s = secrets.get(name);
    if (!s) {
      out.push({ code: 'missing', secret: name });
      continue;
    }
    if (!isPullSecret(s)) {
      out.push({ code: 'not-pull-secret', secret: name, type: s.type ?? '' });
      continue;
    }
    if (images.length) {
      const keys = describeCredential(s).serverKeys;
      const serves = images.some((img) => keys.some((k) => credentialMatchesImage(k, img)));
      if (!serves && keys.length) out.push({ code: 'host-mismatch', secret: name, hosts: keys.join(', '), images: images.join(', ') });
    }
  }
  return out;
}

/** The imagePullSecrets list the object will hold after `write` (for the preview): names, in order. */
export function resultingPullSecrets(current: Record<string, unknown>, write: Write): string[] | undefined {
  try {
    let next: unknown;
    if (write.action === 'replace') next = write.body;
    else if (write.patchType === 'json') next = applyJsonPatch(current, (write.patch ?? []) as never);
    else next = applyStrategicMergePatch(current, (write.patch ?? {}) as Record<string, unknown>);
    if (write.kind === 'ServiceAccount') return pullSecretNames((next as ServiceAccount).imagePullSecrets);
    return pullSecretNames(podSpecOf(next as Workload)?.imagePullSecrets);
  } catch {
    return undefined;
  }
}

export function currentPullSecrets(obj: Record<string, unknown>, kind: string): string[] {
  if (kind === 'ServiceAccount') return pullSecretNames((obj as ServiceAccount).imagePullSecrets);
  return pullSecretNames(podSpecOf({ ...obj, kind } as unknown as Workload)?.imagePullSecrets);
}

/** Running pods of a workload template's ServiceAccount etc. are handled by podsNeedingRestart; this names pods. */
export function podNames(pods: readonly Pod[]): string[] {
  return pods.map((p) => p.metadata?.name ?? '').filter(Boolean);
}
