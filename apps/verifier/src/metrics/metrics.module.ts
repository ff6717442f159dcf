import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { VerifierMetrics } from './verifier-metrics';

@Module({
  controllers: [MetricsController],
  providers: [VerifierMetrics],
  exports: [VerifierMetrics],
})
export class MetricsModule {}
