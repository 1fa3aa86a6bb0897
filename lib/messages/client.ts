import { browser } from 'wxt/browser';
import { MessageError } from './errors';
import { Envelope, Responses, type RequestInput, type RequestType, type ResponseOf } from './schema';

export { MessageError };

/**
 * Send a request to the background and return its validated answer (extension pages; content
 * scripts use page-client.ts). Errors are rethrown with
 * the message type in them, so a failure in the page says which request failed.
 */
export async function send<T extends RequestType>(request: RequestInput<T> & { type: T }): Promise<ResponseOf<T>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(request);
  } catch (error) {
    throw new MessageError(request.type, 'unreachable', (error as Error).message ?? String(error));
  }
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) throw new MessageError(request.type, 'invalid-reply', 'the background sent no valid reply');
  if (!envelope.data.ok) throw new MessageError(request.type, envelope.data.error.code, envelope.data.error.message);
  const data = Responses[request.type].safeParse(envelope.data.data);
  if (!data.success) throw new MessageError(request.type, 'invalid-reply', data.error.message);
  return data.data as ResponseOf<T>;
}
