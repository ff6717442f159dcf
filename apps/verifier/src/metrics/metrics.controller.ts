import { Controller, Get, Header } from '@nestjs/common';
import { VerifierMetrics } from './verifier-metrics';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: VerifierMetrics) {}

  /** Prometheus text exposition of the verifier's counters. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): string {
    return this.metrics.render();
  }
}
