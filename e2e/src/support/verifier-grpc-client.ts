import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { type GrpcVerifyResponse, VERIFIER_PROTO_PATH } from '@latchkey/contracts';
import type { VerifyNeeds } from '@latchkey/client';

type VerifyCall = (
  request: {
    token: string;
    requiredScopes?: string[];
    resource?: string;
    callerEnforcesResources?: boolean;
    caller?: string;
  },
  metadata: grpc.Metadata,
  options: { deadline: Date },
  callback: (error: grpc.ServiceError | null, response: GrpcVerifyResponse) => void,
) => void;

/** Calls latchkey.verifier.v1.TokenVerifier/Verify the way an internal service would. */
export class VerifierGrpcClient {
  private readonly client: grpc.Client & { Verify: VerifyCall };

  constructor(address: string) {
    const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      latchkey: { verifier: { v1: { TokenVerifier: grpc.ServiceClientConstructor } } };
    };
    this.client = new pkg.latchkey.verifier.v1.TokenVerifier(
      address,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & { Verify: VerifyCall };
  }

  /** `metadata` adds call metadata (e.g. `latchkey-caller`). */
  verify(
    token: string,
    needs: VerifyNeeds = {},
    metadata: Record<string, string> = {},
  ): Promise<GrpcVerifyResponse> {
    const callMetadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(metadata)) callMetadata.set(key, value);
    // proto3 has no nulls: a null field is sent as absent.
    const fields = Object.fromEntries(Object.entries(needs).filter(([, value]) => value != null));
    return new Promise((resolve, reject) => {
      this.client.Verify(
        { token, ...fields },
        callMetadata,
        { deadline: new Date(Date.now() + 5_000) },
        (error, response) => (error ? reject(error) : resolve(response)),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
