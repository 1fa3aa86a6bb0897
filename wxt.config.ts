import { defineConfig } from 'wxt';

// Sites built into the manifest (Facebook, Reddit, Hacker News) come from the adapters'
// `matches`, one content script each (entrypoints/<site>.content.ts). Forums on their own domains (Discourse, phpBB, …) are
// added one origin at a time when the user tracks them (optional host permission +
// scripting.registerContentScripts), so Kehila never asks for "all sites" up front.
const ANY_SITE = ['https://*/*', 'http://*/*'];

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // activeTab, not tabs: the popup reads the current tab's address only when the user opens it.
    permissions: ['storage', 'scripting', 'activeTab'],
    // MV2 (Firefox) lists optional origins among optional_permissions.
    ...(manifestVersion === 3 ? { optional_host_permissions: ANY_SITE } : { optional_permissions: ANY_SITE }),
    action: { default_title: '__MSG_extName__' },
    commands: {
      [manifestVersion === 3 ? '_execute_action' : '_execute_browser_action']: { suggested_key: { default: 'Alt+Shift+K' } },
    },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: { id: 'kehila@kehila.invalid', strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } },
      },
    }),
  }),
});
