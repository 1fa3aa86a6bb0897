/**
 * In-memory stand-ins for the extension APIs the background uses and
 * @webext-core/fake-browser 2.0.1 does not implement (it throws MockNotImplementedError for
 * every `permissions.*`, `scripting.*` and `i18n.*` function). Only the functions the
 * background entrypoint calls are provided, with the behaviour Chrome documents:
 * - permissions.contains/remove/request over a set of granted origin patterns, firing
 *   permissions.onAdded/onRemoved like the browser does;
 * - scripting.registerContentScripts rejects a duplicate id ("Duplicate script ID") and
 *   unregisterContentScripts an unknown one ("Nonexistent script ID"), so a caller that
 *   registers twice fails here as it would in the browser;
 * - scripting.executeScript with `files` records the injection, and the tab then has a live
 *   forum script (`live`); a tab in `unreachable` rejects, as a closed tab or an error page does;
 * - tabs.sendMessage is answered `true` to a `forum/ping` by a tab with a live forum script, and
 *   rejects ("Receiving end does not exist") where none listens, as Chrome does;
 * - i18n.getMessage reads the real `public/_locales/<locale>/messages.json` (English unless
 *   `locale` says otherwise) with Chrome's substitutions: `$NAME$` placeholders whose content
 *   names `$1`…`$9`, `$$` for a dollar sign, and '' for an unknown name.
 * They are assigned onto `fakeBrowser` (which `wxt/browser` is in tests) and removed again by
 * the returned `restore`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';

type Registered = Browser.scripting.RegisteredContentScript;
type Listener = (permissions: { origins?: string[]; permissions?: string[] }) => void;

export interface FakeExtensionApis {
  /** Granted host permission patterns, e.g. `https://forum.example.org/*`. */
  granted: Set<string>;
  /** Registered content scripts by id. */
  scripts: Map<string, Registered>;
  /** Every scripting call, in order (for idempotence checks). */
  calls: string[];
  /** Tabs where a live forum script runs (and answers messages). */
  live: Set<number>;
  /** Tabs executeScript cannot reach. */
  unreachable: Set<number>;
  /** How long an injection takes (0: at once), for calls that overlap. */
  injectDelayMs: number;
  /** Grant or revoke as the browser's own settings page would, firing the events. */
  grant(pattern: string): void;
  revoke(pattern: string): void;
  restore(): void;
}

function event() {
  const listeners = new Set<Listener>();
  return {
    listeners,
    addListener: (listener: Listener) => void listeners.add(listener),
    removeListener: (listener: Listener) => void listeners.delete(listener),
    hasListener: (listener: Listener) => listeners.has(listener),
    hasListeners: () => listeners.size > 0,
    fire: (origins: string[]) => listeners.forEach((listener) => listener({ origins, permissions: [] })),
  };
}

interface LocaleMessage {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

/** Chrome's getMessage over one locale's messages.json. */
function localeMessages(locale: string): (name: string, substitutions?: string | string[]) => string {
  const file = path.resolve(import.meta.dirname, '../../../public/_locales', locale, 'messages.json');
  const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, LocaleMessage>;
  return (name, substitutions = []) => {
    const entry = messages[name];
    if (!entry) return '';
    const values = typeof substitutions === 'string' ? [substitutions] : substitutions;
    const numbered = (text: string) => text.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (values[Number(which) - 1] ?? '')));
    const placeholders = new Map(Object.entries(entry.placeholders ?? {}).map(([key, value]) => [key.toLowerCase(), value.content]));
    return entry.message.replace(/\$(\w+)\$|\$\$/g, (match, key?: string) => {
      if (key === undefined) return '$';
      const content = placeholders.get(key.toLowerCase());
      return content === undefined ? match : numbered(content);
    });
  };
}

export function installFakeExtensionApis({ locale = 'en' }: { locale?: string } = {}): FakeExtensionApis {
  const granted = new Set<string>();
  const scripts = new Map<string, Registered>();
  const calls: string[] = [];
  const live = new Set<number>();
  const unreachable = new Set<number>();
  const onAdded = event();
  const onRemoved = event();
  const fb = fakeBrowser as unknown as Record<string, unknown>;
  const original = { permissions: fb.permissions, scripting: fb.scripting, i18n: fb.i18n };

  const permissions = {
    async contains({ origins = [] }: { origins?: string[] }) {
      return origins.every((origin) => granted.has(origin));
    },
    async request({ origins = [] }: { origins?: string[] }) {
      const added = origins.filter((origin) => !granted.has(origin));
      added.forEach((origin) => granted.add(origin));
      if (added.length) onAdded.fire(added);
      return true;
    },
    async remove({ origins = [] }: { origins?: string[] }) {
      const removed = origins.filter((origin) => granted.delete(origin));
      if (removed.length) onRemoved.fire(removed);
      return removed.length > 0;
    },
    onAdded,
    onRemoved,
  };

  const scripting = {
    async getRegisteredContentScripts(filter?: { ids?: string[] }) {
      calls.push('get');
      const all = [...scripts.values()].map((script) => structuredClone(script));
      return filter?.ids ? all.filter((script) => filter.ids!.includes(script.id)) : all;
    },
    async registerContentScripts(list: Registered[]) {
      calls.push(`register:${list.map((script) => script.id).join(',')}`);
      const ids = list.map((script) => script.id);
      const duplicate = ids.find((id, index) => scripts.has(id) || ids.indexOf(id) !== index);
      if (duplicate !== undefined) throw new Error(`Duplicate script ID '${duplicate}'`);
      list.forEach((script) => scripts.set(script.id, structuredClone(script)));
    },
    async executeScript(injection: { target: { tabId: number }; files?: string[] }) {
      const { tabId } = injection.target;
      calls.push(`inject:${tabId}`);
      if (unreachable.has(tabId)) throw new Error(`Cannot access contents of the page (tab ${tabId})`);
      if (api.injectDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, api.injectDelayMs));
      live.add(tabId);
      return [{ frameId: 0, documentId: `doc-${tabId}`, result: undefined }];
    },
    async unregisterContentScripts(filter?: { ids?: string[] }) {
      calls.push(`unregister:${filter?.ids?.join(',') ?? '*'}`);
      const ids = filter?.ids ?? [...scripts.keys()];
      const unknown = ids.find((id) => !scripts.has(id));
      if (unknown !== undefined) throw new Error(`Nonexistent script ID '${unknown}'`);
      ids.forEach((id) => scripts.delete(id));
    },
  };

  const tabs = fb.tabs as Record<string, unknown>;
  const originalSendMessage = tabs.sendMessage;
  tabs.sendMessage = async (tabId: number, message: unknown) => {
    calls.push(`ping:${tabId}`);
    const ping = typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'forum/ping';
    if (ping && live.has(tabId)) return true;
    throw new Error('Could not establish connection. Receiving end does not exist.');
  };

  fb.permissions = permissions;
  fb.scripting = scripting;
  fb.i18n = { ...(original.i18n as object), getMessage: localeMessages(locale), getUILanguage: () => locale };

  const api: FakeExtensionApis = {
    granted,
    scripts,
    calls,
    live,
    unreachable,
    injectDelayMs: 0,
    grant(pattern) {
      if (granted.has(pattern)) return;
      granted.add(pattern);
      onAdded.fire([pattern]);
    },
    revoke(pattern) {
      if (granted.delete(pattern)) onRemoved.fire([pattern]);
    },
    restore() {
      fb.permissions = original.permissions;
      fb.scripting = original.scripting;
      fb.i18n = original.i18n;
      tabs.sendMessage = originalSendMessage;
    },
  };
  return api;
}
