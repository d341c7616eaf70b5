import { describe, expect, it } from 'vitest';
import { overlaps } from './interval.js';

describe('half-open intervals', () => {
  it('back-to-back slots do not overlap', () => {
    expect(overlaps({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(false);
    expect(overlaps({ start: 10, end: 20 }, { start: 0, end: 10 })).toBe(false);
  });

  it('any shared millisecond overlaps, including containment', () => {
    expect(overlaps({ start: 0, end: 11 }, { start: 10, end: 20 })).toBe(true);
    expect(overlaps({ start: 0, end: 30 }, { start: 10, end: 20 })).toBe(true);
    expect(overlaps({ start: 12, end: 13 }, { start: 10, end: 20 })).toBe(true);
  });
});
