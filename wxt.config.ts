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
    permissions: ['storage', 'scripting', 'tabs'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: '__MSG_extName__' },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: { id: 'kehila@kehila.invalid', data_collection_permissions: { required: ['none'] } },
      },
    }),
  }),
});
