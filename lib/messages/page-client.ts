/**
 * The content scripts' side of the message door, without zod. Requests are validated by the
 * background's door; its replies and broadcasts are built by the background itself (a page
 * cannot message a content script through the runtime), so this side checks their shape by
 * hand. That keeps zod and the construction of every message schema (about 28 KB, and script
 * time on every page load) out of the scripts that run on every page Kehila reads.
 */
import { MessageError, sendRaw } from './transport';
import type { Broadcast, RequestInput, RequestType, ResponseOf } from './schema';

export { MessageError };

export async function send<T extends RequestType>(request: RequestInput<T> & { type: T }): Promise<ResponseOf<T>> {
  const raw = await sendRaw(request);
  if (!isRecord(raw) || typeof raw.ok !== 'boolean') throw new MessageError(request.type, 'invalid-reply', 'the background sent no valid reply');
  if (raw.ok) return raw.data as ResponseOf<T>;
  const error = isRecord(raw.error) ? raw.error : {};
  throw new MessageError(request.type, typeof error.code === 'string' ? error.code : 'internal', typeof error.message === 'string' ? error.message : 'failed');
}

/**
 * `send`, sent once more when no answer has come after `resendAfterMs`: Chromium was seen to
 * leave the first message to a newly started service worker unanswered, without failing it
 * (after a browser restart, or a worker registered anew). Only for requests that are safe to
 * repeat. Whichever answer (or failure) comes first settles it; nothing is resent once
 * `signal` has aborted.
 */
export function sendWithResend<T extends RequestType>(
  request: RequestInput<T> & { type: T },
  resendAfterMs: number,
  signal?: AbortSignal,
): Promise<ResponseOf<T>> {
  return new Promise((resolve, reject) => {
    const settle = <V>(done: (value: V) => void) => (value: V) => {
      clearTimeout(timer);
      done(value);
    };
    const ask = () => send<T>(request).then(settle(resolve), settle(reject));
    const timer = setTimeout(() => {
      if (!signal?.aborted) void ask();
    }, resendAfterMs);
    void ask();
  });
}

/** A broadcast from the background, or undefined for anything else. */
export function readBroadcast(raw: unknown): Broadcast | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'members/changed' && Array.isArray(raw.memberIds) && raw.memberIds.every((id) => typeof id === 'string')) {
    return { type: 'members/changed', memberIds: raw.memberIds as string[] };
  }
  if (raw.type === 'rules/check' && isRecord(raw.rule)) return { type: 'rules/check', rule: raw.rule };
  if (raw.type === 'forum/ping') return { type: 'forum/ping' };
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
