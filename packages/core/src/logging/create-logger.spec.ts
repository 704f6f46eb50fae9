import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryLogSink } from '../testing/index.js';
import { createLogger } from './create-logger.js';
import { LogSpool } from './log-spool.js';

describe('createLogger', () => {
  it('puts run id and job name on every line', () => {
    const out = memoryLogSink();
    const logger = createLogger({ runId: 'r1', jobName: 'inventory', destination: out });
    logger.info({ rows: 3 }, 'read');
    logger.child({ component: 's3' }).warn('slow');
    expect(out.lines).toHaveLength(2);
    for (const line of out.lines) expect(line).toMatchObject({ runId: 'r1', job: 'inventory' });
    expect(out.lines[0]).toMatchObject({ level: 'info', msg: 'read', rows: 3 });
  });

  it('never writes secrets, in fields or in messages', () => {
    const out = memoryLogSink();
    const logger = createLogger({ runId: 'r1', jobName: 'j', destination: out });
    logger.info({ secret_arn_password: 'p@ss', conn: 'postgres://u:hunter2@h/db' }, 'using password=hunter2');
    logger.error({ err: new Error('denied for postgres://u:hunter2@h/db') }, 'failed');
    const text = JSON.stringify(out.lines);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('p@ss');
    expect(out.lines[1]).toMatchObject({ err: { type: 'Error' } });
  });

  it('copies every line into the run spool for export', () => {
    const out = memoryLogSink();
    const spool = new LogSpool();
    try {
      const logger = createLogger({ runId: 'r2', jobName: 'j', destination: out, copies: [spool.stream] });
      logger.info('one');
      logger.error('two');
      spool.stream.flushSync();
      const lines = readFileSync(spool.path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l['msg'])).toEqual(['one', 'two']);
      expect(spool.sizeBytes()).toBeGreaterThan(0);
    } finally {
      spool.dispose();
    }
  });
});
