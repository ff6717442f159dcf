import { type DynamicModule, Module } from '@nestjs/common';
import type { IssuerConfig } from '../config';
import { ConsoleConfigController } from './console-config.controller';
import { CONSOLE_SETTINGS, consoleSettings } from './console-settings';
import { DevSessionController } from './dev-session.controller';

/**
 * The console's own endpoints under /console: its sign-in settings and, in development only, the
 * development sign-in. The static files are served by `serveConsole` (console-static.ts).
 */
@Module({})
export class ConsoleModule {
  /** Decided once, at start-up: NODE_ENV and the admin authentication settings as they are then. */
  static forRoot(config: IssuerConfig, nodeEnv: string | undefined = process.env.NODE_ENV): DynamicModule {
    const settings = consoleSettings(config, nodeEnv);
    return {
      module: ConsoleModule,
      providers: [{ provide: CONSOLE_SETTINGS, useValue: settings }],
      controllers: [ConsoleConfigController, ...(settings.devSignIn ? [DevSessionController] : [])],
    };
  }
}
