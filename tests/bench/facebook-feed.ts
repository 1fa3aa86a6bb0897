/**
 * A Facebook group feed as today's www ("Comet") renders it, generated at run time: feed units
 * with `aria-posinset`, each post an `[role=article]` with its comments nested inside as
 * articles, authors linked as `/groups/<gid>/user/<uid>/`, relative time links carrying the
 * post id or `comment_id`, text in `[data-ad-preview=message]` / `div[dir=auto]`, generated
 * class names and the Lexical comment box. Modelled on tests/adapters/facebook/comet-group-feed-en.html
 * (unit 1) and DESIGN.md "Site adapters"; ids are invented.
 */
import { escapeHtml, intBetween, paragraphs, personName, pick, rng, zipfIndex } from './random';

export const FACEBOOK_GROUP_ID = '900000000000001';
export const FACEBOOK_FEED_URL = `https://www.facebook.com/groups/${FACEBOOK_GROUP_ID}/`;
export const FACEBOOK_COMMUNITY = `facebook:group:${FACEBOOK_GROUP_ID}`;

const GROUP = `https://www.facebook.com/groups/${FACEBOOK_GROUP_ID}`;
const TIMES = ['3m', '45m', '2h', '5h', '22h', '1d', '2d', '4d', '6d', '1w', '3w'];
// Generated atomic class names, as Comet ships them (the adapter must never read these).
const CLASSES = ['x1n2onr6', 'x1yztbdb', 'xh8yej3', 'x1ja2u2z', 'x78zum5', 'xdt5ytf', 'x1iyjqo2', 'x9f619', 'x1a2a7pz', 'x1swvt13', 'x1iorvi4'];

interface Member {
  uid: string;
  name: string;
}

/** The group's members: a fixed pool, so authors recur across posts as in a real group. */
function members(count: number, seed: number): Member[] {
  const random = rng(seed);
  return Array.from({ length: count }, (_, index) => ({ uid: String(100010000000000 + index), name: personName(random) }));
}

function classes(random: () => number, count = 3): string {
  return Array.from({ length: count }, () => pick(random, CLASSES)).join(' ');
}

function text(random: () => number): string {
  return paragraphs(random)
    .map((paragraph) => `<div dir="auto" style="text-align: start;">${escapeHtml(paragraph)}</div>`)
    .join('');
}

function profileLink(member: Member, tabindex: 0 | -1, inner: string): string {
  const hidden = tabindex === -1 ? ' aria-hidden="true"' : '';
  return `<a${hidden} href="${GROUP}/user/${member.uid}/?__cft__[0]=AZX&amp;__tn__=%3C%2CP-R" role="link" tabindex="${tabindex}">${inner}</a>`;
}

function comment(random: () => number, member: Member, postId: string, commentId: string): string {
  const time = pick(random, TIMES);
  return `<li><div class="${classes(random)}">
<div aria-label="Comment by ${escapeHtml(member.name)} ${time} ago" role="article" tabindex="-1" class="${classes(random, 5)}">
<div class="x1rg5ohu">${profileLink(member, -1, `<svg aria-label="${escapeHtml(member.name)}" role="img"><image height="32" width="32"></image></svg>`)}</div>
<div class="${classes(random)}"><div class="${classes(random)}"><span class="xt0psk2"><span class="xjp7ctv">${profileLink(member, 0, `<span class="x3nfvp2"><span class="x193iq5w" dir="auto">${escapeHtml(member.name)}</span></span>`)}</span></span>
<div class="x1lliihq xjkvuk6" dir="auto"><span class="x193iq5w"><div class="xdj266r x11i5rnm">${text(random)}</div></span></div></div>
<ul class="x1rg5ohu"><li><div role="button" tabindex="0">Like</div></li><li><div role="button" tabindex="0">Reply</div></li><li><a href="${GROUP}/posts/${postId}/?comment_id=${commentId}&amp;__cft__[0]=AZX&amp;__tn__=R%5D-R" role="link" tabindex="0"><span>${time}</span></a></li></ul>
</div></div></div></li>`;
}

function unit(random: () => number, position: number, author: Member, postId: string, comments: string): string {
  const time = pick(random, TIMES);
  return `<div class="${classes(random, 4)}">
<div aria-posinset="${position}" aria-setsize="-1" aria-labelledby=":p${position}:" role="article" class="x1a2a7pz">
<div class="${classes(random)}"><div class="x1rg5ohu">${profileLink(author, -1, `<svg aria-label="${escapeHtml(author.name)}" role="img"><image height="40" width="40"></image></svg>`)}</div>
<div class="x1iyjqo2"><h3 id=":p${position}:" class="x1heor9g x1qlqyl8"><span class="xt0psk2"><span class="xjp7ctv">${profileLink(author, 0, `<strong><span>${escapeHtml(author.name)}</span></strong>`)}</span></span></h3>
<div class="x1n2onr6"><span class="x4k7w5x"><a aria-label="${time}" href="${GROUP}/posts/${postId}/?__cft__[0]=AZX&amp;__tn__=%2CO%2CP-R" role="link" tabindex="0"><span>${time}</span></a></span><span aria-hidden="true"> · </span><svg aria-label="Shared with Public group" role="img"></svg></div></div></div>
<div class="x1iorvi4 x1pi30zi"><div data-ad-comet-preview="message" data-ad-preview="message" class="${classes(random)}"><div class="xdj266r x11i5rnm">${text(random)}</div></div></div>
<div class="x168nmei x13lgxp2"><div class="x9f619 x1n2onr6"><div aria-label="Like" role="button" tabindex="0"><span>Like</span></div><div aria-label="Leave a comment" role="button" tabindex="0"><span>Comment</span></div><div aria-label="Send this to friends or post it on your profile." role="button" tabindex="0"><span>Share</span></div></div>
<div class="x1jx94hy x12nagc"><ul class="x1n2onr6">${comments}</ul>
<div class="x1n2onr6 x1iorvi4"><div class="xi81zsa"><div aria-label="Write a comment…" contenteditable="true" role="textbox" spellcheck="true" tabindex="0" data-lexical-editor="true" class="xzsf02u x1a2a7pz"><p class="xdj266r" dir="auto"><br></p></div></div></div>
</div></div></div></div>`;
}

export interface FeedChunk {
  html: string;
  /** Posts plus comments: every one is an item the adapter reads and badges. */
  items: number;
  units: number;
}

/**
 * Feed units holding exactly `items` posts and comments (each post has 0–3 comments), starting
 * at feed position `firstPosition`. Positions make ids, so chunks never collide.
 */
export function facebookFeedUnits(options: { items: number; firstPosition: number; seed: number; memberCount?: number }): FeedChunk {
  const random = rng(options.seed);
  const pool = members(options.memberCount ?? 150, 7);
  const author = () => pool[zipfIndex(random, pool.length)]!;
  const parts: string[] = [];
  let left = options.items;
  let position = options.firstPosition;
  while (left > 0) {
    const postId = String(700000000000000 + position);
    const commentCount = Math.min(left - 1, intBetween(random, 0, 3));
    const comments = Array.from({ length: commentCount }, (_, index) =>
      comment(random, author(), postId, String(800000000000000 + position * 10 + index)),
    ).join('\n');
    parts.push(unit(random, position, author(), postId, comments));
    left -= 1 + commentCount;
    position += 1;
  }
  return { html: parts.join('\n'), items: options.items, units: position - options.firstPosition };
}

/** A whole group feed page with `items` posts and comments in view. */
export function facebookGroupFeed(items: number, seed = 1): { url: string; html: string; items: number } {
  const feed = facebookFeedUnits({ items, firstPosition: 1, seed });
  const html = `<!DOCTYPE html>
<html lang="en" dir="ltr" id="facebook" class="__fb-light-mode">
<head>
<meta charset="utf-8">
<title>Kehila Bench Group | Facebook</title>
<meta property="og:title" content="Kehila Bench Group">
<meta property="al:android:url" content="fb://group/${FACEBOOK_GROUP_ID}">
<meta property="al:android:package" content="com.facebook.katana">
<link rel="canonical" href="${FACEBOOK_FEED_URL}">
<style>
body { font: 15px system-ui, sans-serif; margin: 0; background: #f0f2f5; }
[role="main"] { max-width: 680px; margin: 0 auto; }
[role="feed"] > div { background: #fff; border-radius: 8px; margin: 12px 0; padding: 12px 16px; }
.x1rg5ohu { float: left; margin-right: 8px; } .x1rg5ohu svg { width: 40px; height: 40px; border-radius: 50%; background: #ccd; }
ul { list-style: none; padding-left: 24px; } [role="button"] { display: inline-block; margin-right: 12px; color: #65676b; }
[contenteditable] { border-radius: 16px; background: #f0f2f5; padding: 6px 12px; }
</style>
</head>
<body class="_6s5d _71pn system-fonts--body">
<div id="mount_0_0_Bn"><div class="x9f619 x1n2onr6 x1ja2u2z">
<div role="banner" class="x1qjc9v5 x78zum5"><a aria-label="Facebook" href="/" role="link"><svg viewBox="0 0 36 36"></svg></a></div>
<div role="main" class="x78zum5 xdt5ytf x1iyjqo2">
<div data-pagelet="GroupsCometHeader" class="x1n2onr6"><h1 class="html-h1 x1heor9g"><span dir="auto"><a href="${FACEBOOK_FEED_URL}" role="link" tabindex="0">Kehila Bench Group</a></span></h1></div>
<div role="feed" class="x1yztbdb x1n2onr6">
<h3 class="html-h3 x1vvkbs x1heor9g">Feed posts</h3>
${feed.html}
</div></div></div></div>
</body>
</html>`;
  return { url: FACEBOOK_FEED_URL, html, items };
}
