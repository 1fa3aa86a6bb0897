import { describe, expect, it } from 'vitest';
import { fromUnixSeconds, isRelativeTime, parseDateText, parseRelativeTime } from '@/lib/adapters/time';

const now = new Date('2026-11-23T12:00:00Z');
const hoursBefore = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

describe('parseRelativeTime', () => {
  it.each([
    ['4d', hoursBefore(96)],
    ['2 hrs', hoursBefore(2)],
    ['3 yr. ago', '2023-11-23T12:00:00.000Z'],
    ['11 days ago', hoursBefore(264)],
    ['12 mths', '2025-11-23T12:00:00.000Z'],
    ['an hour ago', hoursBefore(1)],
    ['Yesterday at 10:15 AM', hoursBefore(24)],
    ['just now', now.toISOString()],
    ['לפני 3 שעות', hoursBefore(3)],
    ['לפני יומיים', hoursBefore(48)],
    ["3 ש'", hoursBefore(3)],
    ['אתמול', hoursBefore(24)],
    ['منذ 3 ساعات', hoursBefore(3)],
    ['منذ يومين', hoursBefore(48)],
    ['1w', hoursBefore(168)],
  ])('reads %s', (text, expected) => {
    expect(parseRelativeTime(text, now)).toBe(expected);
  });

  it.each(['Like', 'Reply', '', 'Sat Jun 25, 2016', '3 bananas'])('refuses %s', (text) => {
    expect(parseRelativeTime(text, now)).toBeNull();
    expect(isRelativeTime(text)).toBe(false);
  });

  it('resolves the same text against each observation time, not the first one it met', () => {
    const later = new Date(now.getTime() + 3600_000);
    expect(parseRelativeTime('2h', now)).toBe(hoursBefore(2));
    expect(parseRelativeTime('2h', later)).toBe(hoursBefore(1));
    expect(parseRelativeTime('2h', now)).toBe(hoursBefore(2));
  });

  it.each(['4d', 'לפני יומיים', 'منذ 3 ساعات', 'just now'])('says %s is a relative time without reading it', (text) => {
    expect(isRelativeTime(text)).toBe(true);
  });
});

describe('parseDateText', () => {
  it('reads phpBB default dates as UTC wall-clock time', () => {
    expect(parseDateText('Sat Jun 25, 2016 5:22 pm', ['EEE MMM dd, yyyy h:mm a'], now)).toBe('2016-06-25T17:22:00.000Z');
  });
  it('returns null when no format fits', () => {
    expect(parseDateText('sometime', ['EEE MMM dd, yyyy h:mm a'], now)).toBeNull();
  });
});

describe('fromUnixSeconds', () => {
  it('reads data-utime', () => expect(fromUnixSeconds('1522696112')).toBe('2018-04-02T19:08:32.000Z'));
  it('refuses junk', () => expect(fromUnixSeconds('12ab')).toBeNull());
});
