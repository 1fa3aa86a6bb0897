/**
 * Sites the user describes with CSS selectors in the dashboard: which element is a post, and,
 * inside it, the author (and optionally text, time and permalink). `checkRule` is what the
 * dashboard shows before saving, run against the live page; `customSiteAdapter` turns a saved
 * rule into an ordinary site adapter. Ids follow the generic scheme (`generic:<host>`), so a
 * site read by the schema.org reader and by a custom rule keeps one community and one member list.
 *
 * A rule knows nothing of thread structure: the page is the thread (keyed by its canonical
 * URL), its first post is the opener when that post's permalink is the page itself or it has
 * none, and every other post is a comment on it. Threaded replies are not told apart from comments.
 */
import { z } from 'zod/mini';
import { postId, siteHost } from '@/lib/model/ids';
import type { ObservedPost } from '@/lib/model/observed';
import { absoluteUrl, canonicalUrl, cleanText, parseIsoAttribute, readableText } from './dom';
import { genericAuthor, genericCommunity, isUiName, pageOf, stableHash, urlKey } from './generic';
import { fromUnixSeconds, parseDateText, parseRelativeTime } from './time';
import { AdapterError, type PageContext, type SiteAdapter } from './types';

/** Anything that can make a DocumentFragment: a page's Document, jsdom's, an extension page's. */
type SelectorTester = Pick<Document, 'createDocumentFragment'>;

/**
 * A selector relative to the post may start with `>` ("> .author"): it is read as
 * `:scope > .author`, which querySelector accepts.
 */
function scoped(selector: string): string {
  return /^\s*>/.test(selector) ? `:scope ${selector.trim()}` : selector;
}

/**
 * Is `selector` valid CSS for querySelector? Tested against `tester`'s engine, else the global
 * document's. Where no DOM exists at all (the background service worker) only a rough syntax
 * check is possible; the dashboard, which has a DOM, is where rules are really validated.
 */
export function isValidSelector(selector: string, tester?: SelectorTester, relative = false): boolean {
  const dom = tester ?? (globalThis as { document?: SelectorTester }).document;
  const query = relative ? scoped(selector) : selector;
  if (!dom) return roughlyValid(query);
  try {
    dom.createDocumentFragment().querySelector(query);
    return true;
  } catch {
    return false;
  }
}

function roughlyValid(selector: string): boolean {
  if (/[{};]/.test(selector) || /^\s*[>+~,]|[>+~,]\s*$/.test(selector)) return false;
  let depth = 0;
  for (const char of selector.replace(/\\./g, '').replace(/"[^"]*"|'[^']*'/g, '')) {
    if (char === '[' || char === '(') depth++;
    if (char === ']' || char === ')') depth--;
    if (depth < 0 || char === '"' || char === "'") return false;
  }
  return depth === 0;
}

const SELECTOR_FIELDS = ['post', 'author', 'text', 'time', 'permalink'] as const;
type SelectorField = (typeof SELECTOR_FIELDS)[number];
const FIELD_NAMES: Record<SelectorField, string> = {
  post: 'post',
  author: 'author',
  text: 'text',
  time: 'time',
  permalink: 'permalink',
};

function selector(tester: SelectorTester | undefined, relative: boolean) {
  return z
    .string()
    .check(z.trim(), z.minLength(1), z.maxLength(500), z.refine((value) => isValidSelector(value, tester, relative), { error: 'Not a valid CSS selector' }));
}

/**
 * The schema of a custom site rule, testing selectors against `tester`'s CSS engine (default:
 * the global document, when there is one). `origin` is normalised to `scheme://host[:port]`.
 */
export function customSiteRuleSchema(tester?: SelectorTester) {
  return z.object({
    origin: z.pipe(
      z.string().check(
        z.trim(),
        z.regex(/^https?:\/\/[^/?#\s@]+\/?$/i, { error: 'Expected an origin such as https://forum.example.com' }),
        z.refine(
          (value) => {
            try {
              return new URL(value).hostname !== '';
            } catch {
              return false;
            }
          },
          { error: 'Expected an origin such as https://forum.example.com' },
        ),
      ),
      z.transform((value: string) => new URL(value).origin),
    ),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    /** Each post or comment element, from the document. */
    post: selector(tester, false),
    /** Inside a post: the author's profile link or name element. */
    author: selector(tester, true),
    /** Inside a post: the body; without it the whole post minus author and time. */
    text: z.optional(selector(tester, true)),
    /** Inside a post: an element with datetime/title/text of the post time. */
    time: z.optional(selector(tester, true)),
    /** Inside a post: the link to the post itself. */
    permalink: z.optional(selector(tester, true)),
  });
}

type RuleSchema = ReturnType<typeof customSiteRuleSchema>;

/** A user-defined site rule. */
export type CustomSiteRule = z.infer<RuleSchema>;

let globalRuleSchema: RuleSchema | undefined;

/**
 * Validate a rule against the global document's CSS engine, if any. The schema is built on
 * first use, not when the module loads: the forum script loads on every page of every tracked
 * forum, and most have no rule (building it cost 1.7–3.6 ms of script per page load, measured
 * in Chromium on the bench's forum thread).
 */
export function parseCustomSiteRule(input: unknown): ReturnType<RuleSchema['safeParse']> {
  globalRuleSchema ??= customSiteRuleSchema();
  return globalRuleSchema.safeParse(input);
}

// Date text formats forums print, tried after machine-readable attributes and relative text.
const DATE_FORMATS = [
  'MMMM d, yyyy h:mma', // Vanilla title: "March 27, 2019 9:47PM"
  'MMMM d, yyyy h:mm a',
  'MMM d, yyyy h:mm a',
  'MMM d, yyyy',
  'MMMM d, yyyy',
  'dd-MM-yyyy, hh:mm a', // vBulletin: "04-06-2019, 09:29 PM"
  'EEE MMM dd, yyyy h:mm a', // phpBB: "Sat Jun 25, 2016 5:22 pm"
  'd MMMM yyyy',
  'dd.MM.yyyy HH:mm',
  'dd/MM/yyyy HH:mm',
  'yyyy-MM-dd HH:mm',
];

function readTime(el: Element | null, now: Date): string | null {
  if (!el) return null;
  const holder = el.hasAttribute('datetime') ? el : el.querySelector('[datetime]') ?? el;
  const text = cleanText(el);
  const title = holder.getAttribute('title') ?? el.getAttribute('title') ?? '';
  return (
    parseIsoAttribute(holder.getAttribute('datetime')) ??
    parseIsoAttribute(title) ??
    fromUnixSeconds(el.getAttribute('data-time') ?? el.getAttribute('data-timestamp')) ??
    parseRelativeTime(text, now) ??
    parseDateText(title, DATE_FORMATS, now) ??
    parseDateText(text, DATE_FORMATS, now)
  );
}

/** querySelector that turns a selector the browser rejects into "needs attention". */
function select(root: ParentNode, query: string, field: SelectorField, relative: boolean): Element | null {
  try {
    return root.querySelector(relative ? scoped(query) : query);
  } catch {
    throw new AdapterError(`The ${FIELD_NAMES[field]} selector "${query}" of this site's rule is not valid CSS`);
  }
}

function selectAll(root: ParentNode, query: string): Element[] {
  try {
    const found = Array.from(root.querySelectorAll(query));
    const self = root as Element;
    if (self.nodeType === 1 && self.matches(query)) found.unshift(self);
    return found;
  } catch {
    throw new AdapterError(`The post selector "${query}" of this site's rule is not valid CSS`);
  }
}

/** The author element's pieces: display name and profile link (if any), inside the post. */
function readAuthorElement(post: Element, authorEl: Element): { name: string; href: string | null } {
  const inner = authorEl.matches('a[href]') ? authorEl : authorEl.querySelector('a[href]');
  const outer = authorEl.closest('a[href]');
  const link = inner ?? (outer && post.contains(outer) ? outer : null);
  const name =
    cleanText(authorEl) ||
    authorEl.getAttribute('title') ||
    authorEl.querySelector('img[alt]')?.getAttribute('alt') ||
    '';
  return { name: name.trim(), href: link?.getAttribute('href') ?? null };
}

function linkHref(el: Element | null): string | null {
  if (!el) return null;
  const link = el.matches('a[href], area[href], link[href]') ? el : el.querySelector('a[href]');
  return link?.getAttribute('href') ?? null;
}

/** Build a site adapter from a saved (validated) rule. */
export function customSiteAdapter(rule: CustomSiteRule): SiteAdapter {
  const origin = new URL(rule.origin);

  const findPosts = (root: ParentNode): Element[] => selectAll(root, rule.post);

  const parsePost = (el: Element, page: PageContext): ObservedPost | undefined => {
    const authorEl = select(el, rule.author, 'author', true);
    // No author element: a deleted user's post or a placeholder; there is no one to badge.
    if (!authorEl) return undefined;
    const { name, href } = readAuthorElement(el, authorEl);
    const author = genericAuthor(name, href, page);
    if (!author) return undefined;

    const timeEl = rule.time ? select(el, rule.time, 'time', true) : el.querySelector('time[datetime]');
    const publishedAt = readTime(timeEl, page.observedAt);
    // Without a permalink selector, the link around the post's time is the usual permalink.
    const permalinkEl = rule.permalink ? select(el, rule.permalink, 'permalink', true) : timeEl?.closest('a[href]') ?? null;
    const url = absoluteUrl(linkHref(permalinkEl && el.contains(permalinkEl) ? permalinkEl : null), page.url);
    const textEl = rule.text ? select(el, rule.text, 'text', true) : el;
    // The whole post as text, when no body is named: without the byline the rule does name.
    const byline = new Set([authorEl, timeEl, permalinkEl]);
    const text = textEl ? readableText(textEl, rule.text ? undefined : (child) => byline.has(child)) : '';

    const doc = el.ownerDocument;
    const docUrl = canonicalUrl(doc, page.url);
    const scope = page.community.id;
    const host = siteHost(page.url);
    const threadId = postId(scope, urlKey(pageOf(docUrl.href), host));
    const isOpener = select(doc, rule.post, 'post', false) === el && (!url || pageOf(url) === pageOf(docUrl.href));

    let key: string;
    if (isOpener) key = urlKey(pageOf(docUrl.href), host);
    else if (url && (new URL(url).hash.length > 1 || pageOf(url) !== pageOf(docUrl.href))) key = urlKey(url, host);
    else if (el.id) key = urlKey(`${pageOf(docUrl.href)}#${el.id}`, host);
    else key = `h-${stableHash(`${author.name}\n${publishedAt ?? ''}\n${text.slice(0, 200)}`)}`;

    return {
      id: postId(scope, key),
      communityId: scope,
      threadId,
      parentId: isOpener ? null : threadId,
      kind: isOpener ? 'post' : 'comment',
      author,
      publishedAt,
      url: url ?? (el.id ? `${pageOf(docUrl.href)}#${el.id}` : null),
      text,
    };
  };

  return {
    id: 'custom',
    // Match patterns take no port; the origin check in detect does.
    matches: [`${origin.protocol}//${origin.hostname}/*`],
    detect: (doc, url) => url.origin === origin.origin && select(doc, rule.post, 'post', false) !== null,
    community: (doc, url) => genericCommunity(doc, url, rule.name),
    findPosts,
    parsePost,
    badgeAnchor: (el) => select(el, rule.author, 'author', true) ?? undefined,
    replyBox: (el) => (el.querySelector('textarea, [contenteditable="true"]') as HTMLElement | null) ?? undefined,
  };
}

/** Stable codes of what `checkRule` can find wrong; the dashboard localises by code. */
export type RuleProblemCode =
  | 'invalid-origin'
  | 'missing-selector'
  | 'invalid-selector'
  | 'invalid-rule'
  | 'origin-mismatch'
  | 'no-posts'
  | 'nested-posts'
  | 'missing-author'
  | 'ui-author'
  | 'long-author'
  | 'same-author'
  | 'duplicate-posts'
  | 'no-text'
  | 'no-time'
  | 'no-permalink';

export interface RuleProblem {
  code: RuleProblemCode;
  /** English, for now; the dashboard will localise by `code`. */
  message: string;
  /** An error makes the rule unusable here; a warning is worth a look. */
  severity: 'error' | 'warning';
  /** The rule field the problem is about, when it is about one. */
  field?: keyof CustomSiteRule;
}

export interface RuleCheck {
  /** No errors: the rule can be saved. */
  ok: boolean;
  /** Post elements the post selector finds. */
  posts: number;
  /** Distinct authors among the posts that could be read. */
  authors: number;
  /** The first three posts read, as the member list will see them. */
  samples: Array<{ author: string; text: string }>;
  problems: RuleProblem[];
}

const SAMPLE_TEXT_LENGTH = 200;
const LONG_NAME = 60;

function quoteList(values: readonly string[]): string {
  return values
    .slice(0, 3)
    .map((value) => `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`)
    .join(', ');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Try a rule on a page before it is saved: how many posts and authors it finds, the first
 * three as samples, and every problem in plain English with a stable code. `input` may be
 * anything the dashboard form produced; it is validated here against `doc`'s CSS engine.
 */
export function checkRule(doc: Document, url: URL, input: unknown): RuleCheck {
  const problems: RuleProblem[] = [];
  const result = (posts = 0, authors = 0, samples: RuleCheck['samples'] = []): RuleCheck => ({
    ok: !problems.some((problem) => problem.severity === 'error'),
    posts,
    authors,
    samples,
    problems,
  });

  const parsed = customSiteRuleSchema(doc).safeParse(input);
  if (!parsed.success) {
    problems.push(...schemaProblems(parsed.error, input));
    return result();
  }
  const rule = parsed.data;
  if (url.origin !== rule.origin) {
    problems.push({
      code: 'origin-mismatch',
      severity: 'error',
      field: 'origin',
      message: `This page is on ${url.origin}, but the rule is for ${rule.origin}; it would never run here.`,
    });
  }

  const adapter = customSiteAdapter(rule);
  const elements = adapter.findPosts(doc);
  if (elements.length === 0) {
    problems.push({
      code: 'no-posts',
      severity: 'error',
      field: 'post',
      message: `No element on this page matches the post selector "${rule.post}".`,
    });
    return result();
  }

  const nested = elements.filter((el) => elements.some((other) => other !== el && other.contains(el))).length;
  if (nested > 0) {
    problems.push({
      code: 'nested-posts',
      severity: 'warning',
      field: 'post',
      message: `${plural(nested, 'post')} sit inside other posts. Fine for threaded replies; otherwise the post selector also matches part of a post.`,
    });
  }

  const page: PageContext = { url, community: adapter.community(doc, url) ?? genericCommunity(doc, url), observedAt: new Date() };
  const posts: ObservedPost[] = [];
  const uiNames: string[] = [];
  const longNames: string[] = [];
  let withoutAuthor = 0;
  let withText = 0;
  let withTime = 0;
  let withPermalink = 0;
  for (const el of elements) {
    const authorEl = el.querySelector(scoped(rule.author));
    if (!authorEl) {
      withoutAuthor++;
      continue;
    }
    const { name } = readAuthorElement(el, authorEl);
    if (!name || isUiName(name)) {
      uiNames.push(name || '(empty)');
      continue;
    }
    if (name.length > LONG_NAME) longNames.push(name);
    if (rule.text && el.querySelector(scoped(rule.text))) withText++;
    if (rule.permalink && linkHref(el.querySelector(scoped(rule.permalink)))) withPermalink++;
    const post = adapter.parsePost(el, page);
    if (!post) continue;
    if (post.publishedAt) withTime++;
    posts.push(post);
  }

  const count = elements.length;
  if (withoutAuthor > 0) {
    const all = withoutAuthor === count;
    problems.push({
      code: 'missing-author',
      severity: all ? 'error' : 'warning',
      field: 'author',
      message: all
        ? `None of the ${plural(count, 'post')} contains an element matching the author selector "${rule.author}".`
        : `${withoutAuthor} of ${plural(count, 'post')} have no element matching the author selector "${rule.author}" (posts by deleted users or guests look like this too).`,
    });
  }
  if (uiNames.length > 0) {
    const distinct = [...new Set(uiNames)];
    problems.push({
      code: 'ui-author',
      severity: uiNames.length + withoutAuthor === count ? 'error' : 'warning',
      field: 'author',
      message: `The author selector finds page text rather than names in ${plural(uiNames.length, 'post')}: ${quoteList(distinct)}.`,
    });
  }
  if (longNames.length > 0) {
    problems.push({
      code: 'long-author',
      severity: 'warning',
      field: 'author',
      message: `Some author names are very long (${quoteList(longNames)}): the author selector probably matches a whole block, not just the name.`,
    });
  }
  const names = [...new Set(posts.map((post) => post.author.name))];
  if (posts.length >= 3 && names.length === 1) {
    problems.push({
      code: 'same-author',
      severity: 'warning',
      field: 'author',
      message: `All ${posts.length} posts have the same author, ${quoteList(names)}: check that the author selector finds each post's own author.`,
    });
  }
  const ids = new Set(posts.map((post) => post.id));
  if (ids.size < posts.length) {
    problems.push({
      code: 'duplicate-posts',
      severity: 'warning',
      field: rule.permalink ? 'permalink' : 'post',
      message: `${plural(posts.length - ids.size, 'post')} could not be told apart from another one; a permalink selector would give each post its own id.`,
    });
  }
  const readable = count - withoutAuthor - uiNames.length;
  if (rule.text && readable > 0 && withText === 0) {
    problems.push({ code: 'no-text', severity: 'warning', field: 'text', message: `No post contains an element matching the text selector "${rule.text}".` });
  }
  if (rule.time && posts.length > 0 && withTime === 0) {
    problems.push({ code: 'no-time', severity: 'warning', field: 'time', message: `No date could be read from elements matching the time selector "${rule.time}".` });
  }
  if (rule.permalink && readable > 0 && withPermalink === 0) {
    problems.push({
      code: 'no-permalink',
      severity: 'warning',
      field: 'permalink',
      message: `No post contains a link matching the permalink selector "${rule.permalink}".`,
    });
  }

  const samples = posts.slice(0, 3).map((post) => ({ author: post.author.name, text: post.text.slice(0, SAMPLE_TEXT_LENGTH) }));
  return result(count, new Set(posts.map((post) => post.author.id)).size, samples);
}

function schemaProblems(error: z.core.$ZodError, input: unknown): RuleProblem[] {
  const values = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  // One problem per field: an empty selector also fails the CSS check, a path also fails the URL check.
  const seen = new Set<PropertyKey | undefined>();
  const issues = error.issues.filter((issue) => {
    const field = issue.path[0];
    if (seen.has(field)) return false;
    seen.add(field);
    return true;
  });
  return issues.map((issue): RuleProblem => {
    const field = issue.path[0];
    if (field === 'origin') {
      return { code: 'invalid-origin', severity: 'error', field, message: 'The site must be an origin such as https://forum.example.com (no path).' };
    }
    if (typeof field === 'string' && (SELECTOR_FIELDS as readonly string[]).includes(field)) {
      const name = FIELD_NAMES[field as SelectorField];
      const value = values[field];
      if (issue.code === 'custom') {
        return { code: 'invalid-selector', severity: 'error', field: field as SelectorField, message: `The ${name} selector "${String(value)}" is not valid CSS.` };
      }
      if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
        return { code: 'missing-selector', severity: 'error', field: field as SelectorField, message: `The ${name} selector is required.` };
      }
      return { code: 'invalid-rule', severity: 'error', field: field as SelectorField, message: `The ${name} selector must be text of at most 500 characters.` };
    }
    if (field === 'name') {
      return { code: 'invalid-rule', severity: 'error', field, message: 'The site name must be 1 to 100 characters.' };
    }
    return { code: 'invalid-rule', severity: 'error', message: 'The rule is not in the expected shape.' };
  });
}

/*
 * Test URLs
 * - Vanilla Forums discussion, rule { post: '.ItemDiscussion, .ItemComment', author: '.Username',
 *   text: '.Message', time: 'time', permalink: 'a.Permalink' }:
 *   https://community.scope.org.uk/discussion/57774/copd
 * - Any self-hosted forum or comment section the built-in adapters do not know.
 */
