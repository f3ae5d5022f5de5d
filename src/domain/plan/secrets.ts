// What must never be copied into a Secret we write. `kubectl apply` keeps the whole last applied object in the
// annotation kubectl.kubernetes.io/last-applied-configuration: for a Secret that is every value in clear text,
// so copying it over (a replace that keeps the existing annotations) would keep the OLD credential in the
// cluster after a rotation, and show it in the review.
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy of the metadata without the last-applied annotation (and no empty annotations map left behind). */
export function withoutLastApplied<M extends { annotations?: Record<string, string> | null } | undefined>(metadata: M): M {
  if (!metadata?.annotations || !(LAST_APPLIED_ANNOTATION in metadata.annotations)) return metadata;
  const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = metadata.annotations;
  void _dropped;
  const copy = { ...metadata } as NonNullable<M> & { annotations?: Record<string, string> };
  if (Object.keys(rest).length) copy.annotations = rest;
  else delete copy.annotations;
  return copy as M;
}
