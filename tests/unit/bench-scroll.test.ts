/**
 * Scenario 2's figures (tests/bench/scroll.ts): the badges' times, read against when the page
 * itself painted each append, in Kehila's browser and in the baseline.
 */
import { describe, expect, it } from 'vitest';
import { scrollFigures, type AppendSample } from '@/tests/bench/scroll';

function append(badgesMs: number | undefined, shownMs: number | undefined, mainThreadMs = 50): AppendSample {
  return { inReach: 4, badgesMs, shownMs, longestTaskMs: 0, mainThreadMs, scriptMs: 10 };
}

describe('scenario 2 figures', () => {
  it('reads the badges against the page’s own paint of each append', () => {
    const figures = scrollFigures({
      kehila: [append(60, 40, 70), append(70, 50, 70), append(80, 45, 70)],
      baseline: [append(undefined, 40), append(undefined, 50), append(undefined, 60)],
    });
    expect(figures).toMatchObject({
      appends: 3,
      medianMs: 70,
      p95Ms: 80,
      // Kehila's median badges over the baseline's median paint.
      medianRatio: 1.4,
      postsShownMedianMs: 45,
      baselinePostsShownMedianMs: 50,
      postsShownRatio: 0.9,
      // 20, 20 and 35 ms after the paint of the same append.
      badgesAfterPostsShownMedianMs: 20,
      appendsNotSeenPainted: 0,
      addedMainThreadMsPerAppend: 20,
      met: true,
    });
  });

  it('counts an append whose badges never came as a miss, and one whose paint was not seen apart', () => {
    const figures = scrollFigures({
      kehila: [append(60, 40), append(undefined, 45), append(65, undefined)],
      baseline: [append(undefined, 40), append(undefined, undefined), append(undefined, 44)],
    });
    expect(figures.p95Ms).toBe(Number.POSITIVE_INFINITY);
    expect(figures.met).toBe(false);
    // The paints seen: 40 and 45 in Kehila's browser, 40 and 44 in the baseline.
    expect(figures.postsShownMedianMs).toBe(40);
    expect(figures.baselinePostsShownMedianMs).toBe(40);
    expect(figures.appendsNotSeenPainted).toBe(2);
    // After the paint: 20 ms, and never (the append without badges).
    expect(figures.badgesAfterPostsShownMedianMs).toBe(20);
  });
});
