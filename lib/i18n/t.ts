/**
 * UI strings come from browser.i18n (public/_locales/en, public/_locales/he), so every
 * surface follows the browser's language; right-to-left follows the UI language.
 */
import { browser } from 'wxt/browser';

type MessageKey = Parameters<typeof browser.i18n.getMessage>[0];

export function t(key: MessageKey, substitutions?: string | string[]): string {
  // getMessage answers '' for a key it does not know; show the key rather than nothing.
  return browser.i18n.getMessage(key, substitutions) || String(key);
}

export function uiLanguage(): string {
  return browser.i18n.getUILanguage();
}

/** 'rtl' for Hebrew (and any other right-to-left UI language), else 'ltr'. */
export function uiDirection(): 'ltr' | 'rtl' {
  return browser.i18n.getMessage('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
}

// Building an Intl formatter costs ~0.3 ms; a page with hundreds of badges formats hundreds of
// dates, so each formatter is built once (the UI language does not change while a page lives).
let dateFormat: Intl.DateTimeFormat | undefined;
let relativeFormat: Intl.RelativeTimeFormat | undefined;

/** A date in the UI language, e.g. "23 Nov 2026" / "23 בנוב׳ 2026". */
export function formatDate(ms: number | null): string {
  if (ms === null) return '—';
  dateFormat ??= new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium' });
  return dateFormat.format(ms);
}

/** "3 hours ago" / "לפני 3 שעות", with Intl's own wording. */
export function formatRelative(ms: number | null, now = Date.now()): string {
  if (ms === null) return t('popupNever');
  const seconds = Math.round((ms - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = (relativeFormat ??= new Intl.RelativeTimeFormat(uiLanguage(), { numeric: 'auto' }));
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}
