/**
 * The engagement verdict and the composer's projection: where the lines fall (exactly at 1 % and
 * 2 %, exactly at 200 shown), the rate's cap, and what one more campaign can and cannot do.
 */
import { describe, expect, it } from 'vitest';
import {
  CHROME_REVOCATION_LINE,
  clicksForLine,
  engagementOf,
  MIN_SHOWN_FOR_VERDICT,
  NEAR_FACTOR,
  projectedEngagement,
  shownNeededForVerdict,
  typicalCampaignShown,
} from './engagement-rule';

describe('engagementOf', () => {
  it('keeps the line at 1 %, "near" below 2 %, a verdict from 200 shown', () => {
    expect(CHROME_REVOCATION_LINE).toBe(0.01);
    expect(NEAR_FACTOR).toBe(2);
    expect(MIN_SHOWN_FOR_VERDICT).toBe(200);
  });

  it('has no rate when nothing was shown, and no verdict', () => {
    expect(engagementOf({ sent: 0, shown: 0, clicked: 0 })).toEqual({ sent: 0, shown: 0, clicked: 0, rate: null, status: 'unknown' });
    // Sent but no receipt yet: still nothing to judge.
    expect(engagementOf({ sent: 5000, shown: 0, clicked: 0 })).toMatchObject({ rate: null, status: 'unknown' });
  });

  it('gives no verdict below 200 shown, whatever the rate', () => {
    expect(engagementOf({ sent: 199, shown: 199, clicked: 0 })).toMatchObject({ rate: 0, status: 'unknown' });
    expect(engagementOf({ sent: 300, shown: 199, clicked: 150 })).toMatchObject({ status: 'unknown' });
    expect(engagementOf({ sent: 200, shown: 200, clicked: 0 })).toMatchObject({ rate: 0, status: 'low' });
  });

  it('is low under 1 %, near from 1 % to under 2 %, healthy from 2 %', () => {
    const at = (clicked: number, shown = 1000) => engagementOf({ sent: shown, shown, clicked }).status;
    expect(at(9)).toBe('low');
    expect(at(10)).toBe('near');
    expect(at(19)).toBe('near');
    expect(at(20)).toBe('healthy');
    expect(at(500)).toBe('healthy');
    // At the minimum size: 2 of 200 is exactly the line, 4 of 200 exactly twice it.
    expect(at(1, 200)).toBe('low');
    expect(at(2, 200)).toBe('near');
    expect(at(4, 200)).toBe('healthy');
  });

  it('computes clicked ÷ shown and caps it at 1 (clicks can arrive without their shown receipt)', () => {
    expect(engagementOf({ sent: 1200, shown: 1000, clicked: 37 })).toEqual({ sent: 1200, shown: 1000, clicked: 37, rate: 0.037, status: 'healthy' });
    expect(engagementOf({ sent: 400, shown: 250, clicked: 300 })).toMatchObject({ rate: 1, status: 'healthy' });
  });
});

describe('the helpers', () => {
  it('says how many more shown notifications a verdict needs', () => {
    expect(shownNeededForVerdict({ shown: 0 })).toBe(200);
    expect(shownNeededForVerdict({ shown: 150 })).toBe(50);
    expect(shownNeededForVerdict({ shown: 200 })).toBe(0);
    expect(shownNeededForVerdict({ shown: 5000 })).toBe(0);
  });

  it('counts the clicks to the line without floating-point surprises', () => {
    expect(clicksForLine(300, 0)).toBe(3); // 0.01 × 300 is 3.0000000000000004 in floating point
    expect(clicksForLine(1000, 4)).toBe(6);
    expect(clicksForLine(1001, 4)).toBe(7);
    expect(clicksForLine(1000, 10)).toBe(0);
    expect(clicksForLine(1000, 50)).toBe(0);
    expect(clicksForLine(0, 0)).toBe(0);
  });

  it("takes a typical campaign's size as shown per campaign", () => {
    expect(typicalCampaignShown({ shown: 3000, campaigns: 4 })).toBe(750);
    expect(typicalCampaignShown({ shown: 1000, campaigns: 3 })).toBe(333);
    expect(typicalCampaignShown({ shown: 0, campaigns: 0 })).toBe(0);
  });
});

describe('projectedEngagement', () => {
  it("leaves the rate where it is: a campaign clicked at the project's own rate cannot move it", () => {
    for (const clicked of [6, 16, 80]) {
      const now = engagementOf({ sent: 2000, shown: 2000, clicked });
      const p = projectedEngagement(now, 1000);
      expect(p.rate).toBe(now.rate);
      expect(p.expectedClicks).toBe(Math.round((clicked / 2000) * 1000));
      expect((now.clicked + p.expectedClicks) / (now.shown + p.addedShown)).toBeCloseTo(now.rate!, 10);
    }
  });

  it('warns when the project is low, with the clicks the campaign needs to lift it over the line', () => {
    // 0.5 % over 2,000 shown; after 1,000 more the window holds 3,000: the line is 30 clicks, 10 are in.
    const p = projectedEngagement(engagementOf({ sent: 2000, shown: 2000, clicked: 10 }), 1000);
    expect(p).toEqual({
      addedShown: 1000,
      expectedClicks: 5,
      rate: 0.005,
      floorRate: 10 / 3000,
      clicksForLine: 20,
      clickRateForLine: 0.02,
      warn: true,
    });
  });

  it('warns when the project is near, with the clicks it needs to stay above', () => {
    // 1.5 %: 30 of 2,000. With 1,000 more the line is 30 clicks, already in: it stays above even
    // with none. A campaign of 10,000 needs 90 of its own (0.9 %), or the window falls below.
    const now = engagementOf({ sent: 2000, shown: 2000, clicked: 30 });
    expect(now.status).toBe('near');
    const small = projectedEngagement(now, 1000);
    expect(small).toMatchObject({ warn: true, clicksForLine: 0, clickRateForLine: 0, expectedClicks: 15, floorRate: 0.01 });
    const big = projectedEngagement(now, 10_000);
    expect(big).toMatchObject({ warn: true, clicksForLine: 90, clickRateForLine: 0.009, expectedClicks: 150 });
    expect(big.floorRate).toBeLessThan(CHROME_REVOCATION_LINE);
  });

  it('does not warn when the project is healthy or there is no verdict yet', () => {
    expect(projectedEngagement(engagementOf({ sent: 2000, shown: 2000, clicked: 100 }), 1000).warn).toBe(false);
    expect(projectedEngagement(engagementOf({ sent: 150, shown: 150, clicked: 0 }), 10_000).warn).toBe(false);
    expect(projectedEngagement(engagementOf({ sent: 0, shown: 0, clicked: 0 }), 500)).toEqual({
      addedShown: 500,
      expectedClicks: 0,
      rate: null,
      floorRate: 0,
      clicksForLine: 5,
      clickRateForLine: 0.01,
      warn: false,
    });
  });

  it('says when one campaign cannot lift the rate over the line (more clicks than notifications)', () => {
    const p = projectedEngagement(engagementOf({ sent: 100_000, shown: 100_000, clicked: 100 }), 50);
    expect(p.clicksForLine).toBe(901);
    expect(p.clickRateForLine).toBeGreaterThan(1);
  });

  it('takes a whole, non-negative campaign size, and has no share for an empty one', () => {
    const now = engagementOf({ sent: 1000, shown: 1000, clicked: 5 });
    expect(projectedEngagement(now, -20)).toMatchObject({ addedShown: 0, clickRateForLine: null, clicksForLine: 5 });
    expect(projectedEngagement(now, 99.6).addedShown).toBe(100);
  });
});
