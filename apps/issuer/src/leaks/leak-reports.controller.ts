import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { NoStore } from '../infrastructure/no-store';
import { LEAK_SIGNATURE_SCHEME } from '../openapi';
import { LeakOutcomeResponse, ReportedLeakDto } from './dto/leak-report.dto';
import { ApiOwnProblems } from './leak-problems';
import { type LeakOutcome, parseLeakReport } from './leak-report';
import { LEAK_REPORTS_PATH, leakReportBodyOf } from './leak-report-body';
import { LeakReportKeys } from './leak-report-keys';
import { KEY_IDENTIFIER, verifyLeakSignature } from './leak-signature';
import { LeakError, LeakErrorCode } from './leaks.errors';
import { ReportLeaks } from './report-leaks';

/**
 * The secret-scanning intake: GitHub's secret-scanning partner protocol (docs/secret-scanning.md). No
 * admin sign-in: the report's ECDSA signature, by a key of the configured source, is the credential.
 */
@ApiTags('secret-scanning')
@Controller()
export class LeakReportsController {
  constructor(
    private readonly keys: LeakReportKeys,
    private readonly reportLeaks: ReportLeaks,
    @Inject(ISSUER_CONFIG) private readonly config: Pick<IssuerConfig, 'LEAK_REPORT_MAX_TOKENS'>,
  ) {}

  @ApiOperation({
    summary: 'Report leaked tokens (secret-scanning partner protocol)',
    description:
      'Called by a secret scanner (GitHub secret scanning) with the Latchkey tokens it found in public. ' +
      'The body is signed: `Github-Public-Key-Signature` is the base64 ASN.1 DER ECDSA-SHA256 signature ' +
      'of the raw body by the key `Github-Public-Key-Identifier` names, from LEAK_REPORT_KEYS_URL or ' +
      'LEAK_REPORT_PUBLIC_KEYS. Each live token is revoked before the answer is sent (reason `leaked`, ' +
      'audited with the URL and source; its owner and technical owner are mailed). The answer labels ' +
      'every reported token, in order.',
  })
  @ApiSecurity(LEAK_SIGNATURE_SCHEME)
  @ApiHeader({ name: 'Github-Public-Key-Identifier', required: true, description: 'The signing key’s id.' })
  @ApiHeader({ name: 'Github-Public-Key-Signature', required: true, description: 'base64 DER ECDSA-SHA256.' })
  @ApiBody({ type: [ReportedLeakDto] })
  @ApiOkResponse({ type: [LeakOutcomeResponse], description: 'One outcome per reported token, in order.' })
  @ApiOwnProblems({
    400: '`LEAK_REPORT_MALFORMED`: not a JSON array of `{token, type, url, source}` (or over LEAK_REPORT_MAX_TOKENS); `INVALID_CHARACTERS`.',
    401: '`LEAK_SIGNATURE_MISSING`, `LEAK_KEY_UNKNOWN`, `LEAK_SIGNATURE_INVALID`: the report is not signed by a trusted key.',
    404: '`LEAK_INTAKE_DISABLED`: no key source is configured.',
    413: '`PAYLOAD_TOO_LARGE`: over LEAK_REPORT_BODY_LIMIT.',
    415: '`UNSUPPORTED_CONTENT_ENCODING`: send it uncompressed.',
    503: '`LEAK_KEYS_UNAVAILABLE` (the keys document could not be fetched) or `REVOCATION_NOT_REPLICATED`: send the report again.',
  })
  @Post(LEAK_REPORTS_PATH)
  @HttpCode(200)
  @NoStore()
  async report(
    @Req() request: Request,
    @Headers('github-public-key-identifier') keyId: string | undefined,
    @Headers('github-public-key-signature') signature: string | undefined,
  ): Promise<LeakOutcome[]> {
    if (!this.keys.enabled) {
      throw new LeakError(LeakErrorCode.IntakeDisabled, 'This issuer does not accept leak reports.');
    }
    if (!keyId || !KEY_IDENTIFIER.test(keyId) || !signature) {
      throw new LeakError(
        LeakErrorCode.SignatureMissing,
        'Sign the report: Github-Public-Key-Identifier and Github-Public-Key-Signature headers.',
      );
    }
    const key = await this.keys.keyFor(keyId);
    if (!key) throw new LeakError(LeakErrorCode.KeyUnknown, 'The report names a key that is not trusted.');
    const body = leakReportBodyOf(request) ?? Buffer.alloc(0);
    if (!verifyLeakSignature(body, signature.trim(), key)) {
      throw new LeakError(LeakErrorCode.SignatureInvalid, 'The report’s signature does not verify.');
    }
    return this.reportLeaks.execute(parseLeakReport(body, this.config.LEAK_REPORT_MAX_TOKENS));
  }
}
