import type { LoggerService } from '@nestjs/common';

/**
 * Sends Node's process warnings through the service's logger, so the log stays one JSON object per
 * line (Node prints them as plain text on stderr otherwise).
 */
export function logProcessWarnings(logger: LoggerService): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logger.warn({ msg: warning.message, warning: warning.name }, 'process');
  });
}
