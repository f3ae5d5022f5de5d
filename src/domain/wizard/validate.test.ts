// The step bar never skips a step's checks: a click on a header already reached stops at the first step on the
// way that has errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectCertificate } from '../cert';
import { initialState, STEPS, wizardReducer, type WizardState } from './state';
import { gateStep, stepErrors } from './validate';

const CA = readFileSync(join(__dirname, '..', 'trust', '__fixtures__', 'ca.pem'), 'utf8');
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
const at = (id: (typeof STEPS)[number]) => STEPS.indexOf(id);

function reviewed(caText: string): WizardState {
  return {
    ...initialState,
    step: at('projects'),
    address: 'harbor.example.com',
    caChoice: 'custom',
    caText,
    inspection: inspectCertificate(caText, { host: 'harbor.example.com' }),
    inspectedText: caText,
    username: 'robot$ci',
    password: 'secret',
    clusters: ['host'],
    projects: { host: ['demo'] },
    secretName: 'harbor-pull',
  };
}

describe('the certificate step', () => {
  it('is not passed while the CA shown is not the one inspected (inspection waits for typing to pause)', () => {
    const typing = { ...reviewed(CA), caText: `${CA}x` };
    expect(stepErrors(typing, at('certificate'))).toEqual([{ key: 'HARBOR_CONNECT_WIZARD_CERT_CHECKING' }]);
    expect(gateStep(typing, at('review'))).toBe(at('certificate'));
  });
});

describe('gateStep', () => {
  it('a header click forward stops at the certificate step when the CA holds a private key', () => {
    const state = reviewed(`${CA}${KEY}`);
    expect(stepErrors(state, at('certificate')).length).toBeGreaterThan(0);
    expect(gateStep(state, at('review'))).toBe(at('certificate'));
  });

  it('lets a valid wizard through and always lets you go back', () => {
    const ok = { ...reviewed(CA), writeUnverified: true };
    expect(gateStep(ok, at('review'))).toBe(at('review'));
    expect(gateStep({ ...ok, step: at('review') }, at('registry'))).toBe(at('registry'));
  });

  it('stops at the first failing step on the way (the address)', () => {
    expect(gateStep({ ...reviewed(CA), address: 'harbor.example.com/library' }, at('review'))).toBe(at('registry'));
  });

  it('refuses automatic trust for a public registry at the trust step', () => {
    const hub = { ...reviewed(CA), address: 'docker.io', inspection: inspectCertificate(CA, { host: 'docker.io' }) };
    expect(stepErrors(hub, at('trust'))).toEqual([{ key: 'HARBOR_CONNECT_WIZARD_TRUST_PUBLIC_REFUSED', params: { host: 'docker.io' } }]);
    expect(gateStep(hub, at('review'))).toBe(at('trust'));
    expect(stepErrors({ ...hub, trustMode: 'manual' }, at('trust'))).toEqual([]);
  });
});

describe('the credentials step: verification is not optional', () => {
  const cred = (patch: Partial<WizardState>) => stepErrors({ ...reviewed(CA), ...patch }, at('credentials'));

  it('credentials no check accepted need the explicit choice; accepted ones do not; rejected ones never pass', () => {
    expect(cred({})).toEqual([{ key: 'HARBOR_CONNECT_WIZARD_CRED_ERR_UNVERIFIED' }]);
    // KubeSphere's verify cannot judge a private CA (x509): still unverified.
    expect(cred({ verify: { state: 'x509' } })).toHaveLength(1);
    expect(cred({ verify: { state: 'x509' }, writeUnverified: true })).toEqual([]);
    expect(cred({ verify: { state: 'ok' } })).toEqual([]);
    expect(cred({ pullTest: { state: 'pulled' } as never })).toEqual([]);
    expect(cred({ verify: { state: 'unauthorized' }, writeUnverified: true })).toEqual([{ key: 'HARBOR_CONNECT_WIZARD_CRED_ERR_REJECTED' }]);
  });

  it('changing the credentials takes the choice back', () => {
    const s = wizardReducer({ ...reviewed(CA), writeUnverified: true }, { type: 'credentials', patch: { password: 'other' } });
    expect(s.writeUnverified).toBe(false);
  });
});

describe('the projects step', () => {
  it('names the missing project per cluster and gives a name rule its own message as the detail', () => {
    const two = { ...reviewed(CA), clusters: ['host', 'member'], secretName: 'Bad.Name' };
    const errors = stepErrors(two, at('projects'));
    expect(errors[0]).toEqual({ key: 'HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED_IN', params: { cluster: 'member' } });
    expect(errors.slice(1).every((e) => e.key === 'HARBOR_CONNECT_WIZARD_SECRET_NAME' && !!e.detail)).toBe(true);
    expect(errors.length).toBeGreaterThan(1);
  });
});
