import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { loadIssuerConfig } from '../config';
import { IssuerModule } from '../issuer.module';
import { buildOpenApiDocument } from '../openapi';

/**
 * Writes the issuer's OpenAPI document without running the issuer: the module graph is built in Nest's
 * preview mode (no provider is instantiated, so nothing connects to Postgres, Redis or Kafka), which is
 * all the document needs. `node apps/issuer/dist/cli/openapi.js [file]` (stdout without a file).
 * The console's API client is generated from it: `npm run console:client`.
 */
async function main(): Promise<void> {
  const placeholder = 'x'.repeat(32);
  const config = loadIssuerConfig({
    DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/unused',
    REDIS_URL: 'redis://127.0.0.1:1',
    KAFKA_BROKERS: '127.0.0.1:1',
    ADMIN_JWKS_URL: 'https://idp.invalid/jwks.json',
    ADMIN_JWT_ISSUER: 'https://idp.invalid/',
    ADMIN_JWT_AUDIENCE: 'latchkey',
    INTERNAL_API_SECRET: placeholder,
    CACHE_SIGNING_KEY: placeholder,
    SIGNING_SECRET_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    LOG_LEVEL: 'error',
  });
  const app = await NestFactory.create(IssuerModule.forRoot(config), {
    preview: true,
    logger: ['error'],
    abortOnError: false,
  });
  const document = JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n';
  const file = process.argv[2];
  if (file) writeFileSync(file, document);
  else process.stdout.write(document);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
