export * from './checks';
export * from './types';
export { planRegistryCertificate, issuerChoices, type IssuerChoice } from './certmanager';
export { planEgressFixes } from './egress';
export { daemonSetFromPods, isInstallerPod, probePaths } from './installer';
export { filterRegistryRows, registryRows, type ClusterHoldings, type OtherClusterRow, type RegistryListSources, type RegistryRow } from './rows';
