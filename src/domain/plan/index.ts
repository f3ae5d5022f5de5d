export type { Write, WriteAction, WriteEffect, WriteOutcome, PatchType, JsonPatchOperation } from './write';
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL, managedLabels, managedSelector } from './labels';
export {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  deepClone,
  deepEqual,
  parsePointer,
  escapePointerToken,
  JsonPatchError,
} from './jsonpatch';
export type { JsonPatchErrorCode } from './jsonpatch';
export { toYaml, yamlScalar } from './yaml';
export { planToYaml, writeToYamlDocument, writeToKubectl, kubectlResourceType, shellQuote } from './render';
export type { RenderOptions } from './render';
export { maskSecrets, maskDockerConfigText, MASK } from './mask';
export { LAST_APPLIED_ANNOTATION, withoutLastApplied } from './secrets';
export { applyPlan, applyStaged, retryFailed, summarizeOutcomes, isNoop, containsSubset, isAbortError, SkippedWriteError, UNCHANGED } from './apply';
export type { WriteExecutor, ApplyOptions, ApplyProgressEvent, StagedApplyOptions } from './apply';
