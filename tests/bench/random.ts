/**
 * Deterministic inputs for the benchmarks: a seeded PRNG, people's names in the scripts a
 * manager meets (Latin, Hebrew, Arabic) and post text of realistic length. Same seed, same
 * fixture, run after run, so two runs measure the same page.
 */

/** mulberry32: small, fast and good enough to spread synthetic data. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * An index in [0, n) drawn so a few are frequent and most are rare (Zipf-like, s≈1): in every
 * community a handful of members write most posts (CHAOSS "absence factor").
 */
export function zipfIndex(random: () => number, n: number): number {
  // Inverse CDF of a continuous 1/x law over [1, n+1): x = (n+1)^u.
  return Math.min(n - 1, Math.floor((n + 1) ** random()) - 1);
}

const FIRST = ['Dana', 'Mark', 'Priya', 'Noa', 'Omar', 'Yael', 'Lior', 'Sam', 'Maya', 'Tom', 'Ana', 'Ravi', 'Eitan', 'Lea', 'Jonas', 'Chen'];
const LAST = ['Levi', 'Thompson', 'Raman', 'Mizrahi', 'Haddad', 'Bar', 'Katz', 'Rivera', 'Cohen', 'Nakamura', 'Silva', 'Weiss', 'Novak', 'Park'];
const FIRST_HE = ['יוסי', 'מיכל', 'אבי', 'רותם', 'שירה', 'דוד', 'נועה', 'עומר'];
const LAST_HE = ['כהן', 'לוי', 'מזרחי', 'פרץ', 'ביטון', 'אברהם', 'פרידמן'];
const FIRST_AR = ['عمر', 'ليلى', 'سامي', 'نور', 'يوسف', 'مريم'];
const LAST_AR = ['حداد', 'خوري', 'منصور', 'سعيد', 'ناصر'];

/** A display name: three in four Latin, the rest Hebrew or Arabic. */
export function personName(random: () => number): string {
  const script = random();
  if (script < 0.75) return `${pick(random, FIRST)} ${pick(random, LAST)}`;
  if (script < 0.9) return `${pick(random, FIRST_HE)} ${pick(random, LAST_HE)}`;
  return `${pick(random, FIRST_AR)} ${pick(random, LAST_AR)}`;
}

const WORDS =
  'the grinder update firmware order shipping refund thanks please anyone else since support team version release week morning fixed still broken works great question price delivery account login app setting battery screen meetup group welcome new here help today tomorrow waiting answer email phone store warranty replace cable charger'.split(
    ' ',
  );
const WORDS_HE = 'העדכון המטחנה תודה רבה מישהו יודע מתי משלוח החזר עובד מצוין עדיין שבור שאלה מחיר הזמנה חשבון אפליקציה'.split(' ');

/** One sentence of 6–18 words; one in eight in Hebrew. */
export function sentence(random: () => number): string {
  const words = random() < 0.125 ? WORDS_HE : WORDS;
  const count = intBetween(random, 6, 18);
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) parts.push(pick(random, words));
  const text = parts.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${random() < 0.2 ? '?' : '.'}`;
}

/** A few sentences: most posts are short, some run to a paragraph or three. */
export function paragraphs(random: () => number): string[] {
  const count = random() < 0.7 ? 1 : intBetween(random, 2, 3);
  return Array.from({ length: count }, () => Array.from({ length: intBetween(random, 1, 3) }, () => sentence(random)).join(' '));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
