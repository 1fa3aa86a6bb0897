import { defineConfig } from 'wxt';

// Sites whose content scripts are declared in the manifest. Forums on their own domains
// (Discourse, phpBB, …) are added one origin at a time when the user tracks them
// (optional host permission + scripting.registerContentScripts), so Kehila never asks
// for "all sites" up front.
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // activeTab, not tabs: the popup reads the current tab's address only when the user opens it.
    permissions: ['storage', 'scripting', 'activeTab'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: '__MSG_extName__' },
    commands: { _execute_action: { suggested_key: { default: 'Alt+Shift+K' } } },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: { id: 'kehila@kehila.invalid', data_collection_permissions: { required: ['none'] } },
      },
    }),
  }),
});
