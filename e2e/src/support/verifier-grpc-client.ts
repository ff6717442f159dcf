import type { GrpcVerifyResponse } from '@latchkey/contracts';
import { GrpcVerifyClient, VerifyError, type VerifyNeeds } from '@latchkey/client';

/**
 * Calls latchkey.verifier.v1.TokenVerifier/Verify through the client SDK, configured to observe the
 * verifier rather than to be a good client: every token is sent (a malformed one too: the verifier's own
 * MALFORMED is under test), nothing is retried (a spec sees UNAVAILABLE as it happens), and a failed call
 * rejects with grpc-js's ServiceError (`code` = the gRPC status), as specs expect.
 */
export class VerifierGrpcClient {
  private readonly client: GrpcVerifyClient;

  constructor(address: string) {
    this.client = new GrpcVerifyClient({
      address,
      deadlineMs: 5_000,
      retry: { maxAttempts: 1 },
      checkFormat: false,
    });
  }

  /** The answer as on the wire (proto3: empty strings where there is no value). */
  async verify(token: string, needs: VerifyNeeds = {}): Promise<GrpcVerifyResponse> {
    try {
      return await this.client.verifyWire(token, needs);
    } catch (error) {
      throw error instanceof VerifyError && error.details.cause !== undefined ? error.details.cause : error;
    }
  }

  close(): void {
    this.client.close();
  }
}
