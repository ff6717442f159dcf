import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type CallbackDelivery,
  INTERNAL_API_PREFIX,
  type RenewalOffer as RenewalOfferAnswer,
} from '@latchkey/contracts';
import { InternalApiGuard } from '../internal/internal-api.guard';
import { CallbackAttemptReportDto } from './dto/callback-attempt-report.dto';
import { OpenRenewalOfferDto } from './dto/open-renewal-offer.dto';
import { RenewalsService } from './renewals.service';
import { RenewalError, RenewalErrorCode } from './renewals.errors';
import { NoStore } from '../infrastructure/no-store';

/** A malformed id names nothing: 404 like an unknown one. */
const idOf = (code: RenewalErrorCode, what: string) =>
  new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () => new RenewalError(code, `No such ${what}.`),
  });

/**
 * The worker's half of auto-renewal (libs/contracts renewals.ts): open an offer when a renewal is due,
 * take one signed callback per delivery attempt, report how it went. Any 409 is final for the worker.
 */
@ApiExcludeController()
@Controller(INTERNAL_API_PREFIX)
@UseGuards(InternalApiGuard)
export class InternalRenewalsController {
  constructor(private readonly renewals: RenewalsService) {}

  /** 201 with a new offer, 200 with the same offer when it already exists for this `dueAt`. */
  @Post('tokens/:id/renewal-offers')
  async open(
    @Param('id', idOf(RenewalErrorCode.TokenNotFound, 'token')) id: string,
    @Body() body: OpenRenewalOfferDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RenewalOfferAnswer> {
    const { offer, created } = await this.renewals.openOnSchedule(id, new Date(body.dueAt));
    response.status(created ? 201 : 200);
    return offer;
  }

  @Post('renewal-offers/:offerId/deliveries')
  @HttpCode(201)
  @NoStore()
  deliver(
    @Param('offerId', idOf(RenewalErrorCode.OfferNotFound, 'renewal offer')) offerId: string,
  ): Promise<CallbackDelivery> {
    return this.renewals.deliver(offerId);
  }

  @Put('renewal-attempts/:attemptId')
  @HttpCode(204)
  report(
    @Param('attemptId', idOf(RenewalErrorCode.AttemptNotFound, 'renewal attempt')) attemptId: string,
    @Body() body: CallbackAttemptReportDto,
  ): Promise<void> {
    return this.renewals.report(attemptId, body);
  }
}
