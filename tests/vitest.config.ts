import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  // WxtVitest aliases wxt/browser to @webext-core/fake-browser, wires auto-imports and '@/'.
  plugins: [WxtVitest()],
  test: {
    root: '.',
    environment: 'node',
    include: ['tests/{unit,adapters,corpus}/**/*.test.{ts,tsx}'],
    setupFiles: ['fake-indexeddb/auto'],
    // The real-page corpus parses pages of up to 750 KB with jsdom.
    testTimeout: 30_000,
  },
});
