import { type DynamicModule, Module } from '@nestjs/common';
import type { IssuerConfig } from '../config';
import { ConsoleConfigController } from './console-config.controller';
import { devSignInEnabled } from './console-settings';
import { DevSessionController } from './dev-session.controller';

/**
 * The console's own endpoints under /console: its sign-in settings and, in development only, the
 * development sign-in. The static files are served by `serveConsole` (console-static.ts).
 */
@Module({})
export class ConsoleModule {
  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleConfigController, ...(devSignInEnabled(config) ? [DevSessionController] : [])],
    };
  }
}
