export { VerifyReason } from '@latchkey/contracts';
export { GrpcVerifyClient, type GrpcVerifyClientOptions } from './verify/grpc-verify-client';
export { HttpVerifyClient, type HttpVerifyClientOptions } from './verify/http-verify-client';
export { VerifyError, type VerifyErrorKind } from './verify/errors';
export { backoffMs, retryPolicy } from './verify/retry';
export { malformedVerdict } from './verify/local-check';
export {
  DEFAULT_RETRY,
  type RetryPolicy,
  type TokenVerifier,
  type Verdict,
  type VerifyClientOptions,
  type VerifyNeeds,
} from './verify/types';
export {
  authorize,
  bearerToken,
  PROBLEM_CONTENT_TYPE,
  type Authorization,
  type GuardOptions,
  type Problem,
} from './guards/authorize';
export { latchkey, sendRefusal, type LatchkeyRequest } from './guards/express';
export { latchkeyHook, type FastifyReplyLike, type FastifyRequestLike } from './guards/fastify';
export { createAdminClient, type AdminClient, type AdminClientOptions } from './admin/admin-client';
export type { paths as AdminPaths, components as AdminComponents } from './admin/schema';
