// KubeSphere installs an extension into `extension-<name>` (v4.1.3 installplan_controller.go, when the
// ExtensionVersion names no namespace; ours names none). A module of its own: the start file reads it too.
export const DEFAULT_EXTENSION_NAMESPACE = 'extension-harbor-connect';
