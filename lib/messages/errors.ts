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
