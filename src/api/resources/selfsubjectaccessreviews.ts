// "Can I?" through SelfSubjectAccessReview: the API server's own answer for the current user.
import { request, type RequestOptions } from '../client';
import type { ClusterContext } from '../cluster';
import type { ResourceAttributes, SelfSubjectAccessReview } from '../models';
import { resourcePath, type ResourceType } from '../paths';

export const SELF_SUBJECT_ACCESS_REVIEW: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  resource: 'selfsubjectaccessreviews',
  kind: 'SelfSubjectAccessReview',
  namespaced: false,
};

export interface CanIResult {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
}

/** POSTs a SelfSubjectAccessReview for these attributes. */
export async function canI(
  cluster: ClusterContext,
  attributes: ResourceAttributes,
  opts: Pick<RequestOptions, 'signal' | 'timeout'> = {},
): Promise<CanIResult> {
  const review: SelfSubjectAccessReview = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: attributes },
  };
  const res = await request<SelfSubjectAccessReview>('POST', resourcePath(SELF_SUBJECT_ACCESS_REVIEW, { cluster }), {
    ...opts,
    body: review,
  });
  return { allowed: !!res.status?.allowed, denied: res.status?.denied, reason: res.status?.reason };
}
