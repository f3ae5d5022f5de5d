export * from './checks';
export * from './types';
export { planRegistryCertificate, issuerChoices, type IssuerChoice } from './certmanager';
export { planEgressFixes } from './egress';
