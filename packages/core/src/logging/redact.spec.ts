import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactText } from './redact.js';

describe('redact', () => {
  it('hides values under sensitive keys at any depth', () => {
    const input = {
      user: 'etl',
      password: 'hunter2',
      aws: { secretAccessKey: 'AKIA/abc', sessionToken: 'tok', region: 'ap-northeast-1' },
      list: [{ apiKey: 'k' }],
    };
    expect(redact(input)).toEqual({
      user: 'etl',
      password: REDACTED,
      aws: { secretAccessKey: REDACTED, sessionToken: REDACTED, region: 'ap-northeast-1' },
      list: [{ apiKey: REDACTED }],
    });
    expect(input.password).toBe('hunter2');
  });

  it('hides passwords in connection strings and URLs', () => {
    expect(redactText('connecting to postgres://etl:s3cr3t@db.internal:5432/dw')).toBe(
      `connecting to postgres://etl:${REDACTED}@db.internal:5432/dw`,
    );
  });

  it('hides key=value secrets inside free text', () => {
    const text = 'Server=db;User Id=etl;Password=s3cr3t;X-Amz-Signature=abcdef aws_secret_access_key = wJalr';
    const out = redactText(text);
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('abcdef');
    expect(out).not.toContain('wJalr');
    expect(out).toContain('User Id=etl');
  });

  it('turns errors into plain objects with scrubbed messages', () => {
    const error = Object.assign(new Error('login failed for redshift://admin:pw@cluster'), { code: 'AUTH', secret: 'x' });
    const out = redact(error) as Record<string, unknown>;
    expect(out['message']).toBe(`login failed for redshift://admin:${REDACTED}@cluster`);
    expect(out['code']).toBe('AUTH');
    expect(out['secret']).toBe(REDACTED);
    expect(String(out['stack'])).not.toContain(':pw@');
  });
});
