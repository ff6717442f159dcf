import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminJwtVerifier } from './admin-jwt-verifier';
import { PRINCIPAL_DIRECTORY, type PrincipalDirectory } from './principal-directory';

/**
 * Admin sign-in for every admin controller: the identity provider's JWT, then the member record
 * (created on first sign-in; its stored role is authoritative afterwards). Global: feature modules use
 * the guard without importing this module. The root module says where member records come from.
 */
@Module({})
export class AuthModule {
  static forRoot(directory: {
    imports: ModuleMetadata['imports'];
    use: Type<PrincipalDirectory>;
  }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: directory.imports,
      providers: [
        AdminJwtVerifier,
        AdminAuthGuard,
        { provide: PRINCIPAL_DIRECTORY, useExisting: directory.use },
      ],
      exports: [AdminJwtVerifier, AdminAuthGuard, PRINCIPAL_DIRECTORY],
    };
  }
}
