// What the extension registers with the console at start: the menu titles, and the key that tells tr() which
// language the console's i18next resolved (src/i18n/t.ts). Named JSON imports, so the bundle's start path holds
// these strings only; every other string is in the lazily evaluated page module (src/pages.ts).
import { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES as enMenu } from '../../locales/en/common.json';
import { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES as zhMenu } from '../../locales/zh/common.json';
import { LANG_KEY } from './t';

export const startLocales = {
  en: { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: enMenu, [LANG_KEY]: 'en' },
  zh: { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: zhMenu, [LANG_KEY]: 'zh' },
};
