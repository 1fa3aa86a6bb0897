import type { Browser } from 'wxt/browser';
import { Request, type Envelope, type ErrorCode, type RequestOf, type RequestType } from './schema';

/** One function per message type; each gets the validated request and who sent it. */
export type Handlers = {
  [T in RequestType]: (request: RequestOf<T>, sender: Browser.runtime.MessageSender) => Promise<unknown>;
};

/** An error a handler throws on purpose, with the code the caller sees. */
export class HandledError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The background's door: check the sender is this extension, validate, dispatch, and always
 * answer with an envelope. Nothing that fails validation reaches a handler, and no rejection
 * escapes (Dark Reader's sender check, RES's envelope).
 */
export async function routeMessage(raw: unknown, sender: Browser.runtime.MessageSender, extensionId: string, handlers: Handlers): Promise<Envelope> {
  if (sender.id !== extensionId) {
    return { ok: false, error: { code: 'forbidden-sender', message: 'Messages are accepted from this extension only' } };
  }
  const parsed = Request.safeParse(raw);
  if (!parsed.success) {
    // Only a string is echoed: String() on an arbitrary object can throw and escape as a rejection.
    const rawType: unknown = typeof raw === 'object' && raw !== null && 'type' in raw ? (raw as { type: unknown }).type : undefined;
    const type = typeof rawType === 'string' ? rawType.slice(0, 60) : 'unknown';
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, error: { code: 'invalid-message', message: `Invalid ${type} message${where}: ${issue?.message ?? 'malformed'}` } };
  }
  const request = parsed.data;
  try {
    const handler = handlers[request.type] as (request: Request, sender: Browser.runtime.MessageSender) => Promise<unknown>;
    return { ok: true, data: await handler(request, sender) };
  } catch (error) {
    return { ok: false, error: toErrorBody(error) };
  }
}

/** What a caller is told of an error: its code and a message a person can act on. */
export function toErrorBody(thrown: unknown): { code: ErrorCode; message: string } {
  if (thrown instanceof HandledError) return { code: thrown.code, message: thrown.message };
  // Dexie re-wraps an error thrown inside a transaction when its name is one of Dexie's own
  // (NotFoundError, QuotaExceededError, …) and appends the original to the message: report the original.
  const inner = (thrown as { inner?: unknown } | null)?.inner;
  const error = inner instanceof Error ? inner : thrown;
  const name = (error as { name?: string } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'NotFoundError') return { code: 'not-found', message };
  // Dexie surfaces a full disk as QuotaExceededError (sometimes wrapped as AbortError's inner).
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    return { code: 'storage-full', message: 'The browser has no room left for Kehila’s data; nothing was changed. Free disk space and try again.' };
  }
  return { code: 'internal', message };
}
