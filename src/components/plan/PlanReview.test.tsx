// The review shows the preflight's verdict per write: a denied write is marked, with the reason.
import React from 'react';
import { renderToString } from 'react-dom/server';
import { KubedConfigProvider } from '@kubed/components';
import { describe, expect, it } from 'vitest';
import { PlanReview } from './PlanReview';
import { verdictText } from './usePreflight';
import type { Write } from '../../domain/plan/write';

const writes: Write[] = [
  { action: 'delete', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'harbor-pull' },
  { action: 'patch', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', patchType: 'json', patch: [] },
];
const denied = { allowed: false as const, message: 'serviceaccounts "default" is forbidden: User "demo-operator" cannot patch resource "serviceaccounts" in API group "" in the namespace "demo"' };

describe('PlanReview with preflight verdicts', () => {
  it('marks each write allowed or denied', () => {
    const html = renderToString(
      <KubedConfigProvider>
        <PlanReview writes={writes} verdicts={[{ allowed: true }, denied]} />
      </KubedConfigProvider>,
    );
    expect(html).toContain('data-verdict="allowed"');
    expect(html).toContain('data-verdict="denied"');
    expect(html).toContain('HARBOR_CONNECT_PREFLIGHT_ROW_DENIED');
  });

  it('says who may not do what, where', () => {
    expect(verdictText(denied)).toBe('HARBOR_CONNECT_ERR_FORBIDDEN_NAMESPACE');
    expect(verdictText({ allowed: true })).toBe('');
  });
});
