/// <reference types="vite/client" />
// Globals the KubeSphere console defines before it loads an extension.

/** i18next's t, set by the console (packages/core/src/utils/i18n.ts): `window.t = t`. */
declare function t(key: string, options?: Record<string, unknown>): string;

/** The slice of the console's `globals` this extension reads. Everything is optional: tests and 4.x variants differ. */
declare const globals:
  | {
      ksConfig?: {
        multicluster?: { clusterRole?: string };
        ksVersion?: string;
        [key: string]: unknown;
      };
      user?: { username?: string; lang?: string; globalrole?: string; [key: string]: unknown };
      config?: Record<string, unknown>;
      [key: string]: unknown;
    }
  | undefined;

