import { Controller, Get, Header } from '@nestjs/common';
import { verifierOpenApiDocument } from './verifier-openapi';

@Controller('docs')
export class DocsController {
  private readonly document = JSON.stringify(verifierOpenApiDocument());

  /** The OpenAPI 3.1 description of POST /v1/verify (the issuer publishes its own at the same path). */
  @Get('openapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  openApi(): string {
    return this.document;
  }
}
