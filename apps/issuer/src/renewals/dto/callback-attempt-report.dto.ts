import { IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CALLBACK_OUTCOMES, type CallbackAttemptReport, type CallbackOutcome } from '@latchkey/contracts';

/** The largest value of a Postgres integer column. */
const MAX_INT = 2_147_483_647;

/** `PUT /internal/v1/renewal-attempts/:attemptId`: what happened when the worker sent the callback. */
export class CallbackAttemptReportDto implements CallbackAttemptReport {
  @IsIn(CALLBACK_OUTCOMES)
  outcome!: CallbackOutcome;

  /** Required, null when no HTTP answer came back. */
  @ValidateIf((_report: unknown, value: unknown) => value !== null)
  @IsInt()
  @Min(100)
  @Max(599)
  statusCode!: number | null;

  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  durationMs!: number;

  /** Required, null when there was nothing to report. */
  @ValidateIf((_report: unknown, value: unknown) => value !== null)
  @IsString()
  @MaxLength(1000)
  error!: string | null;
}
