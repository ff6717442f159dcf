import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line on stdout. Messages must never contain token plaintexts or redeem keys;
 * as a second line of defence, anything shaped like a Latchkey token is masked before writing.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    // Nest passes the context last; an Error's stack may come before it.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const extra = (context === undefined ? rest : rest.slice(0, -1)).filter((value) => value !== undefined);
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context,
    };
    if (message instanceof Error) {
      record.msg = message.message;
      record.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(record, message);
    } else {
      record.msg = String(message);
    }
    if (extra.length === 1 && typeof extra[0] === 'string' && level === 'error') record.stack = extra[0];
    else if (extra.length > 0) record.details = extra;
    this.write(redactTokens(JSON.stringify(record)));
  }
}

const TOKEN_LIKE = /lk_[0-9A-Za-z]{20,}/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_LIKE, (match) => `${match.slice(0, 8)}…[redacted]`);
}
