import { describe, expect, it } from 'vitest';
import { multiLineText, singleLineText } from './text.js';

const line = singleLineText({ min: 1, max: 50 });
const text = multiLineText({ max: 50 });

// Every character both kinds of field refuse, by the reason they are refused.
const refusedEverywhere: [label: string, char: string][] = [
  ['NUL', '\u0000'],
  ['SOH', '\u0001'],
  ['vertical tab', '\u000b'],
  ['form feed', '\u000c'],
  ['ESC', '\u001b'],
  ['unit separator', '\u001f'],
  ['DEL', '\u007f'],
  ['C1 padding character', '\u0080'],
  ['NEL', '\u0085'],
  ['C1 CSI', '\u009b'],
  ['C1 APC', '\u009f'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', '\udfff'],
  ['surrogates in the wrong order', '\udc00\ud800'],
  ['noncharacter U+FDD0', '\ufdd0'],
  ['noncharacter U+FFFE', '\ufffe'],
  ['noncharacter U+FFFF', '\uffff'],
  ['noncharacter U+1FFFE', '\u{1fffe}'],
  ['noncharacter U+10FFFF', '\u{10ffff}'],
];

const acceptedEverywhere: string[] = [
  'Ada Lovelace',
  'Zoë Ørsted-Łukasiewicz',
  'مرحبا \u200f(RTL mark)',
  '👩‍👩‍👧 family (ZWJ sequence)',
  '🏰🔐 astral pair',
  'soft\u00adhyphen',
  'no-break\u00a0space',
  '\ufeffBOM is a format character',
  'private use \ue000',
];

describe('single-line text', () => {
  it.each(refusedEverywhere)('refuses %s inside, naming the code point', (_label, char) => {
    const result = line.safeParse(`a${char}b`);
    expect(result.success).toBe(false);
    const cp = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    expect(result.error?.issues[0]?.message).toContain(`U+${cp}`);
  });

  it.each(['\n', '\r', '\r\n', '\t', '\u2028', '\u2029'])('refuses the line break or tab %j inside', (char) => {
    expect(line.safeParse(`a${char}b`).success).toBe(false);
  });

  it.each(acceptedEverywhere)('accepts %s', (value) => {
    expect(line.parse(value)).toBe(value.trim());
  });

  it('trims whitespace a form left at the ends before checking', () => {
    expect(line.parse('\t Ada \r\n')).toBe('Ada');
    expect(line.safeParse(' \n ').success).toBe(false);
  });
});

describe('multi-line text', () => {
  it.each(refusedEverywhere)('refuses %s inside', (_label, char) => {
    expect(text.safeParse(`a${char}b`).success).toBe(false);
  });

  it.each(['a\nb', 'a\r\nb', 'a\tb', 'one\n\ntwo\r\n\r\nthree', 'a\u2028b', ...acceptedEverywhere])('accepts %j', (value) => {
    expect(text.parse(value)).toBe(value.trim());
  });

  it('refuses a carriage return that does not start a CRLF', () => {
    expect(text.safeParse('a\rb').success).toBe(false);
    expect(text.safeParse('a\r\rb').success).toBe(false);
    expect(text.safeParse('a\n\rb').success).toBe(false);
  });
});
