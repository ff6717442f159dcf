import { type DynamicModule, Module } from '@nestjs/common';
import type { VerifierConfig } from './config';
import { CoherenceModule } from './coherence/coherence.module';
import { DocsModule } from './docs/docs.module';
import { GrpcModule } from './grpc/grpc.module';
import { MetricsModule as MetricsEndpointModule } from '@latchkey/service-runtime';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { UsageModule } from './usage/usage.module';
import { VerificationModule } from './verification/verification.module';

@Module({})
export class VerifierModule {
  static forRoot(config: VerifierConfig): DynamicModule {
    return {
      module: VerifierModule,
      imports: [
        MetricsEndpointModule.forRoot(),
        InfrastructureModule.forRoot(config),
        CoherenceModule,
        VerificationModule,
        GrpcModule,
        UsageModule,
        DocsModule,
      ],
    };
  }
}
