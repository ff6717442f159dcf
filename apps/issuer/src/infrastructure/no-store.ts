import { applyDecorators, Header } from '@nestjs/common';

/**
 * For responses that carry a plaintext token, renewal key or signing secret: no cache (browser, proxy
 * or CDN) may keep a copy.
 */
export const NoStore = (): MethodDecorator => applyDecorators(Header('Cache-Control', 'no-store'));
