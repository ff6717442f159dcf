import { Module } from '@nestjs/common';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { IssuerClient } from './issuer-client';

@Module({
  providers: [
    {
      provide: IssuerClient,
      inject: [WORKER_CONFIG],
      useFactory: (config: WorkerConfig) =>
        new IssuerClient({
          baseUrl: config.ISSUER_INTERNAL_URL,
          secret: config.INTERNAL_API_SECRET,
          timeoutMs: config.ISSUER_REQUEST_TIMEOUT_MS,
        }),
    },
  ],
  exports: [IssuerClient],
})
export class IssuerModule {}
