/** What both message clients share: the error they throw and the raw round trip. No zod here. */
import { browser } from 'wxt/browser';
import type { RequestType } from './schema';

/** A request the background refused or could not answer, with the message type in its text. */
export class MessageError extends Error {
  override name = 'MessageError';
  constructor(
    readonly type: RequestType,
    readonly code: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

/** Send a request to the background and return its reply unread; a background that cannot be reached throws. */
export async function sendRaw(request: { type: RequestType }): Promise<unknown> {
  try {
    return await browser.runtime.sendMessage(request);
  } catch (error) {
    throw new MessageError(request.type, 'unreachable', (error as Error).message ?? String(error));
  }
}
