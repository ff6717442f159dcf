import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type IdleSweepResult, INTERNAL_API_PREFIX } from '@latchkey/contracts';
import { InternalApiGuard } from '../internal/internal-api.guard';
import { IdleTokenSweep } from './idle-token-sweep';

/**
 * The worker's scheduler runs the idle policy through here every IDLE_SWEEP_INTERVAL_MS: the issuer owns
 * the tokens, so the warnings and revocations happen here, in its transactions.
 */
@ApiExcludeController()
@Controller(`${INTERNAL_API_PREFIX}/idle-tokens`)
@UseGuards(InternalApiGuard)
export class InternalIdleTokensController {
  constructor(private readonly sweep: IdleTokenSweep) {}

  @Post('sweeps')
  @HttpCode(200)
  run(): Promise<IdleSweepResult> {
    return this.sweep.run();
  }
}
