import { JsonLogger, redactTokens } from './json-logger';

describe('JsonLogger', () => {
  const capture = (minLevel: 'debug' | 'info' = 'info') => {
    const lines: string[] = [];
    return { lines, logger: new JsonLogger('issuer', minLevel, (line) => lines.push(line)) };
  };

  it('writes one JSON object per line with service, level and context', () => {
    const { lines, logger } = capture();
    logger.log('started', 'Bootstrap');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      service: 'issuer',
      context: 'Bootstrap',
      msg: 'started',
    });
  });

  it('merges object messages and keeps error stacks', () => {
    const { lines, logger } = capture();
    logger.warn({ msg: 'slow', ms: 12 }, 'Relay');
    logger.error(new Error('boom'));
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'slow', ms: 12, context: 'Relay', level: 'warn' });
    expect(JSON.parse(lines[1])).toMatchObject({ msg: 'boom', level: 'error' });
    expect(JSON.parse(lines[1]).stack).toContain('Error: boom');
  });

  it('drops lines below the minimum level', () => {
    const { lines, logger } = capture('info');
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });

  it('masks anything shaped like a Latchkey token', () => {
    const { lines, logger } = capture();
    const token = 'lk_' + 'A1b2C3d4E5'.repeat(4) + 'x'.repeat(9);
    logger.log(`got ${token} from a client`);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain('lk_A1b2C…[redacted]');
    expect(redactTokens('lk_short')).toBe('lk_short');
  });
});
