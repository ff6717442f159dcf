import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { InternalApiGuard } from './internal-api.guard';
import { InternalTokensController } from './internal-tokens.controller';

/**
 * The issuer's service-to-service API (`/internal/v1`, used by the worker), authenticated with
 * INTERNAL_API_SECRET by `InternalApiGuard`, never with admin JWTs. Other modules guard their internal
 * routes with the same guard, exported here.
 */
@Module({
  imports: [TokensModule],
  controllers: [InternalTokensController],
  providers: [InternalApiGuard],
  exports: [InternalApiGuard],
})
export class InternalModule {}
