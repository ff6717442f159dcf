import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { InternalApiGuard } from './internal-api.guard';
import { InternalListener } from './internal-listener';
import { InternalTokensController } from './internal-tokens.controller';

/**
 * The issuer's service-to-service API (`/internal/v1`, used by the worker), served only on its own
 * listener (`InternalListener`, INTERNAL_HOST:INTERNAL_PORT) and authenticated with
 * INTERNAL_API_SECRET by `InternalApiGuard`, never with admin JWTs. Other modules guard their internal
 * routes with the same guard, exported here.
 */
@Module({
  imports: [TokensModule],
  controllers: [InternalTokensController],
  providers: [InternalApiGuard, InternalListener],
  exports: [InternalApiGuard, InternalListener],
})
export class InternalModule {}
