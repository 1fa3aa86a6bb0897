/**
 * A long Discourse topic as today's Ember app renders it, generated at run time: one
 * `article#post_<n>[data-post-id]` per post, the author's full name and username linked to
 * `/u/<username>` with `data-user-card`, `data-time` on the post date, text in `.cooked`, quotes
 * in `aside.quote`. Modelled on lib/demo/pages/discourse-topic.html; names and ids are invented.
 */
import { readFileSync } from 'node:fs';
import { DEMO_DIR } from '@/lib/cli/browser';
import path from 'node:path';
import { escapeHtml, intBetween, paragraphs, personName, rng, zipfIndex } from './random';

export const FORUM_ORIGIN = 'https://forum.kehila-bench.test';
export const FORUM_TOPIC_ID = 7301;
export const FORUM_URL = `${FORUM_ORIGIN}/t/firmware-2-2-feedback-megathread/${FORUM_TOPIC_ID}`;

const TOPIC_PATH = `/t/firmware-2-2-feedback-megathread/${FORUM_TOPIC_ID}`;

interface Member {
  userId: number;
  username: string;
  name: string;
  hue: number;
}

function members(count: number, random: () => number): Member[] {
  return Array.from({ length: count }, (_, index) => {
    const name = personName(random);
    const latin = name.toLowerCase().replace(/[^a-z]+/g, '_').replace(/^_|_$/g, '');
    return { userId: 500 + index, username: `${latin || 'member'}${index}`, name, hue: intBetween(random, 0, 359) };
  });
}

/** `.post-stream` articles for posts `first`…`first + count - 1`. */
export function forumPosts(options: { first: number; count: number; seed: number; memberCount?: number }): string {
  const random = rng(options.seed);
  const pool = members(options.memberCount ?? 80, rng(11));
  const start = Date.UTC(2026, 9, 1, 8);
  const parts: string[] = [];
  for (let number = options.first; number < options.first + options.count; number += 1) {
    const author = pool[zipfIndex(random, pool.length)]!;
    const time = start + number * 47 * 60_000;
    const quote = number > 1 && random() < 0.15 ? `<aside class="quote"><blockquote>${escapeHtml(paragraphs(random)[0]!)}</blockquote></aside>` : '';
    const body = paragraphs(random)
      .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
      .join('');
    const user = escapeHtml(author.username);
    parts.push(`<div class="topic-post clearfix regular">
<article id="post_${number}" role="region" aria-label="post #${number} by @${user}" data-post-id="${300000 + number}" data-topic-id="${FORUM_TOPIC_ID}" data-user-id="${author.userId}" class="boxed onscreen-post">
<div class="row">
<div class="topic-avatar"><div class="post-avatar"><a class="trigger-user-card main-avatar" href="/u/${user}" data-user-card="${user}" aria-hidden="true" tabindex="-1"><span class="avatar" style="background:hsl(${author.hue} 55% 60%)">${escapeHtml(author.name.charAt(0))}</span></a></div></div>
<div class="topic-body clearfix">
<div role="heading" aria-level="2" class="topic-meta-data">
<div class="names trigger-user-card"><span class="first full-name"><a href="/u/${user}" data-user-card="${user}">${escapeHtml(author.name)}</a></span> <span class="second username"><a href="/u/${user}" data-user-card="${user}">${user}</a></span></div>
<div class="post-infos"><div class="post-info post-date"><a class="widget-link post-date" href="${TOPIC_PATH}/${number}" title="Post date"><span title="${new Date(time).toISOString()}" data-time="${time}" class="relative-date">${number % 30}d</span></a></div></div>
</div>
<div class="regular contents"><div class="cooked" dir="auto">${quote}${body}</div>
<section class="post-menu-area"><nav class="post-controls"><button class="widget-button btn-flat like" type="button">♥</button><button class="widget-button btn-flat reply" type="button"><span class="d-button-label">Reply</span></button></nav></section>
</div></div></div></article></div>`);
  }
  return parts.join('\n');
}

/** A whole topic page with `count` posts. */
export function forumThread(count: number, seed = 3): { url: string; html: string; posts: number } {
  const css = readFileSync(path.join(DEMO_DIR, 'demo.css'), 'utf8');
  const html = `<!DOCTYPE html>
<html lang="en" class="desktop-view">
<head>
<meta charset="utf-8">
<title>Firmware 2.2 feedback megathread - Support - Kehila Bench Forum</title>
<meta name="generator" content="Discourse 3.3.2 - https://github.com/discourse/discourse version 9f1c2e0">
<meta property="og:site_name" content="Kehila Bench Forum">
<link rel="canonical" href="${FORUM_URL}">
<style>${css}</style>
</head>
<body class="ember-application discourse">
<header class="d-header"><a class="logo" href="/">Kehila Bench Forum</a></header>
<section id="main-outlet">
<div id="topic-title"><h1><a href="${TOPIC_PATH}">Firmware 2.2 feedback megathread</a></h1><span class="category">Support</span></div>
<div class="post-stream">
${forumPosts({ first: 1, count, seed })}
</div>
</section>
</body>
</html>`;
  return { url: FORUM_URL, html, posts: count };
}
