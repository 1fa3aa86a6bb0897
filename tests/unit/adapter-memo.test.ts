import { describe, expect, it, vi } from 'vitest';
import { stringMemo, taskMemo } from '@/lib/adapters/dom';
import { parseRelativeTime } from '@/lib/adapters/time';

describe('taskMemo', () => {
  it('answers the same key once within a task and afresh after it', async () => {
    const memo = taskMemo<object, number>();
    const key = {};
    const compute = vi.fn(() => compute.mock.calls.length);
    expect(memo(key, compute)).toBe(1);
    expect(memo(key, compute)).toBe(1);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(memo({}, compute)).toBe(2);

    await Promise.resolve();
    expect(memo(key, compute)).toBe(3);
    expect(compute).toHaveBeenCalledTimes(3);
  });

  it('remembers undefined answers too (a skeleton post has no author)', () => {
    const memo = taskMemo<object, string | undefined>();
    const key = {};
    const compute = vi.fn((): string | undefined => undefined);
    memo(key, compute);
    memo(key, compute);
    expect(compute).toHaveBeenCalledTimes(1);
  });
});

describe('stringMemo', () => {
  it('computes each key once and starts over when full', () => {
    const compute = vi.fn((key: string) => (key === 'none' ? undefined : key.length));
    const memo = stringMemo(compute, 3);
    expect([memo('a'), memo('bb'), memo('a'), memo('none'), memo('none')]).toEqual([1, 2, 1, undefined, undefined]);
    expect(compute).toHaveBeenCalledTimes(3);
    memo('cccc'); // the fourth key: the memo is emptied first
    memo('a');
    expect(compute).toHaveBeenCalledTimes(5);
  });
});

describe('parseRelativeTime with its memo', () => {
  it('resolves a remembered text against each call’s own time', () => {
    const first = new Date('2026-11-23T12:00:00Z');
    const later = new Date('2026-11-24T12:00:00Z');
    expect(parseRelativeTime('3h', first)).toBe('2026-11-23T09:00:00.000Z');
    expect(parseRelativeTime('3h', later)).toBe('2026-11-24T09:00:00.000Z');
    expect(parseRelativeTime('Just now', later)).toBe(later.toISOString());
    expect(parseRelativeTime('no time here', later)).toBeNull();
  });
});
