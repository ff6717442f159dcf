import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { type ConsoleSettings, consoleSettings } from './console-settings';

/** `GET /console/config.json`: how the console signs people in (no secret in it). */
@ApiExcludeController()
@Controller('console')
export class ConsoleConfigController {
  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {}

  @Get('config.json')
  @Header('Cache-Control', 'no-store')
  settings(): ConsoleSettings {
    return consoleSettings(this.config);
  }
}
