import { MessageError, sendRaw } from './transport';
import { Envelope, Responses, type RequestInput, type RequestType, type ResponseOf } from './schema';

export { MessageError };

/**
 * Send a request to the background and return its validated answer (extension pages; content
 * scripts use page-client.ts). Errors are rethrown with the message type in them, so a failure
 * in the page says which request failed.
 */
export async function send<T extends RequestType>(request: RequestInput<T> & { type: T }): Promise<ResponseOf<T>> {
  const raw = await sendRaw(request);
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) throw new MessageError(request.type, 'invalid-reply', 'the background sent no valid reply');
  if (!envelope.data.ok) throw new MessageError(request.type, envelope.data.error.code, envelope.data.error.message);
  const data = Responses[request.type].safeParse(envelope.data.data);
  if (!data.success) throw new MessageError(request.type, 'invalid-reply', data.error.message);
  return data.data as ResponseOf<T>;
}
