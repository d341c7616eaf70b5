import { describe, expect, it } from 'vitest';
import { redactEmails, redactingErrorSerializer } from './log-redaction.js';

describe('log redaction', () => {
  it('scrubs email addresses from text', () => {
    expect(redactEmails("insert into guest values ('Ada.Lovelace+x@Example.co.uk', 'Ada')")).toBe("insert into guest values ('[email]', 'Ada')");
  });

  it('scrubs them from an error message, its stack and its fields', () => {
    const error = Object.assign(new Error('duplicate key ada@example.com'), { sql: "where email = 'ada@example.com'" });
    const serialized = redactingErrorSerializer(error);
    expect(JSON.stringify(serialized)).not.toContain('ada@example.com');
    expect(serialized.message).toBe('duplicate key [email]');
  });
});
