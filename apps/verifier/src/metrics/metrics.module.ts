import { Module } from '@nestjs/common';
import { VerifierMetrics } from './verifier-metrics';

/** The verifier's series; `GET /metrics` and the registry are `MetricsModule` (service-runtime). */
@Module({
  providers: [VerifierMetrics],
  exports: [VerifierMetrics],
})
export class MetricsModule {}
