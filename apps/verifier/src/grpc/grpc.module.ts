import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { VerificationModule } from '../verification/verification.module';
import { GrpcHealth } from './grpc-standard-services';
import { VerifierGrpcServer } from './verifier-grpc-server';

/** The verifier's gRPC side: TokenVerifier, health and reflection on one grpc-js server. */
@Module({
  imports: [VerificationModule, MetricsModule],
  providers: [GrpcHealth, VerifierGrpcServer],
})
export class GrpcModule {}
