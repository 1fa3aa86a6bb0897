/**
 * The content scripts' message client: `sendWithResend` asks once more when the first ask gets
 * no answer (Chromium may leave the first message to a newly started worker unanswered), and
 * never when it was answered or refused. The transport is a controllable fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const asks: { request: unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
vi.mock('@/lib/messages/transport', () => ({
  MessageError: class MessageError extends Error {
    constructor(type: string, readonly code: string, message: string) {
      super(`${type}: ${message}`);
    }
  },
  sendRaw: (request: unknown) => new Promise((resolve, reject) => asks.push({ request, resolve, reject })),
}));

const { sendWithResend } = await import('@/lib/messages/page-client');

const REQUEST = { type: 'sites/rule', origin: 'https://forum.example.org' } as const;
const RULE = { posts: 'article' };

describe('sendWithResend', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    asks.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('asks once more when the first ask has no answer, and takes the answer that comes', async () => {
    const answer = sendWithResend(REQUEST, 2000);
    expect(asks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(asks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(asks).toHaveLength(2);
    expect(asks[1]!.request).toEqual(REQUEST);

    asks[1]!.resolve({ ok: true, data: { rule: RULE } });
    await expect(answer).resolves.toEqual({ rule: RULE });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asks).toHaveLength(2);
  });

  it('asks once when answered in time', async () => {
    const answer = sendWithResend(REQUEST, 2000);
    asks[0]!.resolve({ ok: true, data: { rule: null } });
    await expect(answer).resolves.toEqual({ rule: null });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asks).toHaveLength(1);
  });

  it('does not ask again after a refusal, and passes it on', async () => {
    const answer = sendWithResend(REQUEST, 2000);
    asks[0]!.resolve({ ok: false, error: { code: 'invalid', message: 'no such origin' } });
    await expect(answer).rejects.toThrow('no such origin');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asks).toHaveLength(1);
  });
});
