import { describe, expect, it } from 'vitest';
import { choicesOf } from './choices';
import { initialState, wizardReducer, type WizardState } from './state';

const filled = (patch: Partial<WizardState>): WizardState => ({ ...wizardReducer(initialState, { type: 'address', value: 'harbor.example.com:8443' }), ...patch });

describe('choicesOf', () => {
  it('nothing to plan while the address does not parse', () => {
    expect(choicesOf({ ...initialState, address: 'not a host!' })).toBeUndefined();
  });

  it('a custom CA carries its PEM and trust mode; a public CA means no CA and no node trust', () => {
    const custom = choicesOf(filled({ caChoice: 'custom', caText: 'PEM', trustMode: 'manual', username: 'u', password: 'p', projects: ['demo'] }), 'admin');
    expect(custom).toMatchObject({ caPem: 'PEM', trustMode: 'manual', username: 'u', password: 'p', projects: ['demo'], createdBy: 'admin', rawAddress: 'harbor.example.com:8443' });
    expect(custom?.address.authority).toBe('harbor.example.com:8443');
    const pub = choicesOf(filled({ caChoice: 'public', caText: 'PEM', trustMode: 'automatic' }));
    expect(pub).toMatchObject({ caPem: undefined, trustMode: 'none', createdBy: undefined });
  });

  it('an empty email is left out', () => {
    expect(choicesOf(filled({ email: '' }))?.email).toBeUndefined();
    expect(choicesOf(filled({ email: 'a@b.c' }))?.email).toBe('a@b.c');
  });
});

describe('prefillActions', () => {
  it('fills the wizard from the record and the projects holding its pull secrets (not the record itself)', async () => {
    const { prefillActions } = await import('./prefill');
    const record = { id: 'r', name: 'hc-registry-r', namespace: 'extension-harbor-connect', serverKey: 'harbor.example.com', address: 'harbor.example.com', displayName: 'Harbor', kind: 'harbor' as const, trustMode: 'manual' as const, insecure: false };
    const copies = [
      { metadata: { name: 'hc-registry-r', namespace: 'extension-harbor-connect', labels: { 'app.kubernetes.io/component': 'registry-record' } } },
      { metadata: { name: 'harbor-pull', namespace: 'demo-2' } },
      { metadata: { name: 'harbor-pull', namespace: 'demo' } },
    ];
    const state = prefillActions(record, copies).reduce(wizardReducer, initialState);
    expect(state).toMatchObject({ address: 'harbor.example.com', displayName: 'Harbor', caChoice: 'public', trustMode: 'manual', projects: ['demo', 'demo-2'], secretName: 'harbor-pull' });
  });
});
