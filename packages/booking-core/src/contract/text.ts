import { z } from 'zod';

/**
 * What text the API accepts, decided once for every text field of every input.
 *
 * Refused everywhere:
 * - control characters (Unicode Cc: C0, DEL, C1). PostgreSQL refuses NUL in `text`, and a
 *   statement the ORM builds with values inlined ends at it on SQLite; the others are invisible
 *   and corrupt logs, CSV exports and terminals;
 * - lone surrogates (Cs). They have no UTF-8 form: both drivers would store U+FFFD instead,
 *   silently changing what the caller sent;
 * - noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF): reserved for a program's internal use.
 *
 * Single-line text also refuses U+2028 and U+2029 (line and paragraph separators). Multi-line
 * text allows `\n`, `\r\n` and `\t`, and nothing else of the above.
 *
 * Format characters (Cf) stay allowed: emoji sequences need the zero-width joiner, and right-to-
 * left names need the direction marks. Patterns use the `u` flag, so they see code points: a
 * well-formed surrogate pair is one character and passes.
 */
const FORBIDDEN_IN_LINE = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}\u2028\u2029]/u;
const FORBIDDEN_IN_TEXT = /(?![\t\n]|\r\n)[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

interface TextLimits {
  /** Characters (UTF-16 code units, as zod counts them) after trimming. */
  max: number;
  min?: number;
}

/** Trimmed text within limits, refusing what `forbidden` matches; the message names the first offending code point. */
function text(forbidden: RegExp, refused: string, { max, min = 0 }: TextLimits) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !forbidden.test(value), {
      error: (issue) => {
        const found = typeof issue.input === 'string' ? forbidden.exec(issue.input)?.[0] : undefined;
        return `Contains ${found === undefined ? 'a refused character' : codePoint(found)}; this field refuses ${refused}`;
      },
    })
    .meta({ description: `Trimmed; refuses ${refused}` });
}

/**
 * One line of text (names, e-mail addresses, ids). Trimmed first, so whitespace a form left at
 * either end (a trailing newline, a tab) is dropped rather than refused.
 */
export function singleLineText(limits: TextLimits) {
  return text(FORBIDDEN_IN_LINE, 'control characters, line breaks, lone surrogates and noncharacters', limits);
}

/** Free text over one or more lines (descriptions): trimmed, and only `\n`, `\r\n` and `\t` of the controls pass. */
export function multiLineText(limits: TextLimits) {
  return text(FORBIDDEN_IN_TEXT, 'control characters other than \\n, \\r\\n and \\t, lone surrogates and noncharacters', limits);
}
