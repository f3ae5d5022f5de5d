// Where the pages live on the cluster: the chart's ConfigMap (extension/charts/frontend/templates/
// configmap-pages.yaml). A module without imports of the pages, so tests, the lab and e2e can name it.
import { DEFAULT_EXTENSION_NAMESPACE } from '../domain/record/namespace';

export const PAGES_CONFIGMAP = 'harbor-connect-pages';
/** Always the host cluster (no /clusters/ prefix): the extension's frontend is installed there only. */
export const PAGES_PATH = `/api/v1/namespaces/${DEFAULT_EXTENSION_NAMESPACE}/configmaps/${PAGES_CONFIGMAP}`;
/** The ConfigMap's keys (extension/charts/frontend/templates/configmap-pages.yaml). */
export const PAGES_CODE_KEY = 'pages.js';
export const PAGES_BUILD_KEY = 'build';
/** A cluster that has not answered in this time is reported, not waited for. */
export const PAGES_TIMEOUT_MS = 60_000;

