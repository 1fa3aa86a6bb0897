/**
 * Reading the times pages print. Machine-readable attributes are always preferred (see
 * `parseIsoAttribute` in dom.ts); these readers cover what is left: relative text such as
 * "4d", "3 yr. ago", "לפני 3 שעות", "منذ ساعتين", resolved against the observation time, and
 * absolute text in a known format ("Sat Jun 25, 2016 5:22 pm").
 */
import { isValid, parse, sub, type Duration } from 'date-fns';
import { stringMemo } from './dom';

type Unit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

// Unit words by language, matched against the word that follows (or precedes) a number.
// Abbreviations are those the sites print: Facebook's "4d", "2 hrs", "12 mths"; Reddit's "3 yr.";
// Hebrew "3 ש'" / "4 ד'"; Arabic "3 س" / "5 د".
const UNIT_WORDS: ReadonlyArray<[RegExp, Unit]> = [
  [/^(s|sec|secs|second|seconds|שנ'|שניה|שנייה|שניות|ث|ثانية|ثوان|ثواني)$/, 'seconds'],
  [/^(m|min|mins|minute|minutes|ד'|דק'|דקה|דקות|د|دقيقة|دقائق|دقيقتين)$/, 'minutes'],
  [/^(h|hr|hrs|hour|hours|ש'|שע'|שעה|שעות|س|ساعة|ساعات|ساعتين)$/, 'hours'],
  [/^(d|day|days|י'|ימ'|יום|ימים|ي|يوم|أيام|ايام|يومين)$/, 'days'],
  [/^(w|wk|wks|week|weeks|ש"ב|שב'|שבוע|שבועות|أ|أسبوع|اسبوع|أسابيع|اسابيع|أسبوعين)$/, 'weeks'],
  [/^(mo|mos|mth|mths|mon|month|months|ח'|חוד'|חודש|חודשים|ش|شهر|أشهر|اشهر|شهور|شهرين)$/, 'months'],
  [/^(y|yr|yrs|year|years|שנה|שנים|سنة|سنوات|سنين|عام|أعوام|سنتين)$/, 'years'],
];

// Words that carry their own count: "an hour", "יומיים" (two days), "ساعتين" (two hours).
const COUNTED_WORDS: ReadonlyArray<[RegExp, Readonly<Duration>]> = [
  [/^(just now|now|עכשיו|כרגע|الآن|الان|الآن)$/, {}],
  [/^(a few seconds|few seconds|כמה שניות|ثوان)$/, { seconds: 10 }],
  [/^(a|an|one) (minute|min)$|^דקה$|^دقيقة$/, { minutes: 1 }],
  [/^(a|an|one) (hour|hr)$|^שעה$|^ساعة$/, { hours: 1 }],
  [/^(a|one) day$|^יום$|^يوم$/, { days: 1 }],
  [/^(a|one) week$|^שבוע$|^أسبوع$/, { weeks: 1 }],
  [/^(a|one) month$|^חודש$|^شهر$/, { months: 1 }],
  [/^(a|one) year$|^שנה$|^سنة$|^عام$/, { years: 1 }],
  [/^שעתיים$|^ساعتين$/, { hours: 2 }],
  [/^יומיים$|^يومين$/, { days: 2 }],
  [/^שבועיים$|^أسبوعين$/, { weeks: 2 }],
  [/^חודשיים$|^شهرين$/, { months: 2 }],
  [/^שנתיים$|^سنتين$|^عامين$/, { years: 2 }],
  [/^(yesterday|אתמול|أمس|امس)$/, { days: 1 }],
];

/** Strip the words around the amount: "ago", "לפני", "منذ", "about", punctuation. */
function stripFrame(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u200e\u200f\u202a-\u202e]/g, '')
    .replace(/\b(ago|about|over|almost|edited)\b/g, ' ')
    .replace(/(^|\s)(לפני|בערך|منذ|قبل|حوالي)(?=\s|$)/g, ' ')
    .replace(/\s+at\s+.*$/, '') // "Yesterday at 10:15 AM": the day is what we can trust
    .replace(/\s+ב-?\d{1,2}:\d{2}.*$/, '')
    .replace(/[.,·•]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function unitOf(word: string): Unit | undefined {
  return UNIT_WORDS.find(([pattern]) => pattern.test(word))?.[1];
}

/**
 * Resolve relative time text against `now`. Returns an ISO string, or null when the text is
 * not a relative time we understand (never a guess).
 */
export function parseRelativeTime(text: string, now: Date): string | null {
  const at = now.getTime();
  if (resolver?.at !== at) resolver = { at, resolve: stringMemo((key) => resolveAgainst(key, new Date(at))) };
  return resolver.resolve(text);
}

function resolveAgainst(text: string, now: Date): string | null {
  const duration = relativeDuration(text);
  return duration ? sub(now, duration).toISOString() : null;
}

// A page resolves its few dozen distinct times ("3m", "2h") against one observation time,
// hundreds of times over: each once, until another observation time comes.
let resolver: { at: number; resolve: (text: string) => string | null } | undefined;

/** Does the text state a relative time we understand ("4d", "3 yr. ago")? No date maths. */
export function isRelativeTime(text: string): boolean {
  return relativeDuration(text) !== null;
}

// A feed prints the same few dozen times ("3m", "2h", "Yesterday") on hundreds of posts.
const relativeDuration = stringMemo((text: string): Readonly<Duration> | null => {
  const framed = stripFrame(text);
  if (!framed) return null;
  for (const [pattern, duration] of COUNTED_WORDS) {
    if (pattern.test(framed)) return duration;
  }
  // "4d", "2 hrs", "3 שעות"; in right-to-left text the unit may come first.
  const numberFirst = /^(\d+)\s*([^\s\d]+)$/u.exec(framed);
  const unitFirst = /^([^\s\d]+)\s*(\d+)$/u.exec(framed);
  const [amountText, word] = numberFirst
    ? [numberFirst[1], numberFirst[2]]
    : unitFirst
      ? [unitFirst[2], unitFirst[1]]
      : [];
  if (!amountText || !word) return null;
  const amount = Number(amountText);
  const unit = unitOf(word);
  if (!unit || !Number.isFinite(amount)) return null;
  return Object.freeze({ [unit]: amount });
});

/**
 * Parse absolute date text in one of the given date-fns formats (tried in order), read as UTC
 * since pages that print such text rarely say their time zone. Null when none fits.
 */
export function parseDateText(text: string, formats: readonly string[], now: Date): string | null {
  const cleaned = text.replace(/[\s\u00a0]+/g, ' ').trim();
  if (!cleaned) return null;
  for (const format of formats) {
    const local = parse(cleaned, format, now);
    if (isValid(local)) {
      // date-fns parses in the machine's zone; move the wall-clock reading to UTC.
      const utc = Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds());
      return new Date(utc).toISOString();
    }
  }
  return null;
}

/** Unix time in seconds (Facebook `data-utime`, Twitter `data-time`) to ISO; null when absurd. */
export function fromUnixSeconds(value: string | null | undefined): string | null {
  if (!value || !/^\d{9,11}$/.test(value.trim())) return null;
  return new Date(Number(value) * 1000).toISOString();
}
