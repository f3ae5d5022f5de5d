// Node trust for a private registry CA: which runtime each node runs, the manual instructions per runtime,
// the installer DaemonSet (automatic), its two-phase removal, and the per-node status.
export { registryHost, shQuote } from './host';
export type { RegistryHost } from './host';
export {
  nodeRuntime,
  clusterRuntimes,
  containerdMajor,
  isAutomaticRuntime,
  RUNTIME_CERTS_DIRS,
  AUTOMATIC_RUNTIMES,
  INSTANCE_TYPE_LABEL,
} from './runtime';
export type { NodeRuntime, NodeRuntimeName, AutomaticRuntime } from './runtime';
export { manualTrustInstructions, containerdHostsToml, rancherRegistriesYaml, ManualTrustInputError } from './manual';
export type { ManualTrustInput, ManualTrustInstructions, ManualRuntimeInstructions, ManualFile, LocaleText } from './manual';
export { INSTALLER_SCRIPT } from './script';
export {
  planTrustInstaller,
  planTrustRemoval,
  buildInstallerConfigMap,
  buildInstallerDaemonSet,
  installerTargets,
  installerRolledOut,
  installerModeOf,
  toRemoveMode,
  planOwnedObjectWrite,
  trustInstallerName,
  trustInstallerLabels,
  isPodReady,
  DEFAULT_INSTALLER_IMAGE,
  DEFAULT_INTERVAL_SECONDS,
  SETTINGS_CONFIGMAP,
  SETTINGS_INSTALLER_IMAGE,
  isPinnedImage,
  installerCommand,
  certsMountPath,
  INSTALLER_PATHS,
  SPEC_SHA256_ANNOTATION,
  TRUST_COMPONENT,
  TRUST_NAME_PREFIX,
} from './installer';
export type { TrustInstallerInput, TrustRemovalInput, TrustRemovalPlan, WaitForInstallerMode, InstallerMode } from './installer';
export { nodeTrustStatus, reasonKey } from './status';
export type { NodeTrustState, NodeTrustReason, NodeTrustStatus, NodeTrustStatusInput, TrustStatusSummary } from './status';
