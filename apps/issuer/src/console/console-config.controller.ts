import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console-settings';

/** `GET /console/config.json`: how the console signs people in (no secret in it). */
@ApiExcludeController()
@Controller('console')
export class ConsoleConfigController {
  constructor(@Inject(CONSOLE_SETTINGS) private readonly consoleSettings: ConsoleSettings) {}

  @Get('config.json')
  @Header('Cache-Control', 'no-store')
  settings(): ConsoleSettings {
    return this.consoleSettings;
  }
}
