// Label and annotation keys used by the record, trust and pull-test plans.
// The shared label keys live in ../plan/labels (docs/design.md: managed-by + registry label on everything written);
// the annotation keys below are owned by the record.

export const ANNOTATION_PREFIX = 'harbor-connect.kubesphere.io/';

export const RECORD_ANNOTATIONS = {
  address: `${ANNOTATION_PREFIX}address`,
  serverKey: `${ANNOTATION_PREFIX}server-key`,
  displayName: `${ANNOTATION_PREFIX}display-name`,
  kind: `${ANNOTATION_PREFIX}kind`,
  trustMode: `${ANNOTATION_PREFIX}trust-mode`,
  insecure: `${ANNOTATION_PREFIX}insecure`,
  createdBy: `${ANNOTATION_PREFIX}created-by`,
} as const;

/** Pod-template annotation: SHA-256 of the ca.crt bytes the installer writes (`sha256sum ca.crt` on a node). */
export const CA_SHA256_ANNOTATION = `${ANNOTATION_PREFIX}ca-sha256`;
/** Pod-template annotation: SHA-256 of the installer script and hosts.toml, so a change rolls the pods. */
export const CONFIG_SHA256_ANNOTATION = `${ANNOTATION_PREFIX}config-sha256`;
/** Pod-template annotation: install | remove, so status can tell which phase a pod runs. */
export const TRUST_MODE_ANNOTATION = `${ANNOTATION_PREFIX}installer-mode`;

export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../plan/labels';
/** Tells a registry's objects apart (record, trust installer, pull test) under one registry label. */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** On pull-test pods: the run id, so one run's pods are listed and cleaned up together. */
export const PULL_TEST_LABEL = 'harbor-connect.kubesphere.io/pull-test';
