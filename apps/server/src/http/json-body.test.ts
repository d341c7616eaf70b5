import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonDepth } from './json-body.js';

describe('jsonDepth', () => {
  it('counts nesting of objects and arrays, not scalars', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ guest: { name: 'Ada' } })).toBe(2);
    expect(jsonDepth([[], [[{}]]])).toBe(4);
  });

  it('stops early on a pathological value without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});
