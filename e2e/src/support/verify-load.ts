import { performance } from 'node:perf_hooks';
import type { VerifierInstance, VerifyNeeds } from './system';

/** One verification as a caller saw it. */
export interface VerifySample {
  /** performance.now() just before the request was sent. */
  sentAt: number;
  /** `OK`, a refusal reason (`REVOKED`, …), or `HTTP_<status>` / `GRPC_<code>` / `ERROR` for failures. */
  verdict: string;
  via: 'http' | 'grpc';
  /** VERIFIER_INSTANCE_ID of the verifier that answered. */
  verifier: string;
}

export interface LoadOptions {
  token: string;
  needs?: VerifyNeeds;
  /** Concurrent request loops per verifier and protocol. */
  loops?: number;
  /** Also verify over gRPC (as many loops again). */
  grpc?: boolean;
}

/**
 * Continuous verification of one token against several verifiers: every loop sends its next request as
 * soon as the previous one answered, and every answer is recorded with the time its request was sent.
 * HTTP goes through fetch's keep-alive pool, so a loop costs no connection set-up per request.
 */
export class VerifyLoad {
  readonly samples: VerifySample[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  private constructor(verifiers: readonly VerifierInstance[], options: LoadOptions) {
    const loopsPer = options.loops ?? 4;
    this.loops = verifiers.flatMap((verifier) => [
      ...Array.from({ length: loopsPer }, () => this.loop(verifier, 'http', options)),
      ...(options.grpc === false
        ? []
        : Array.from({ length: loopsPer }, () => this.loop(verifier, 'grpc', options))),
    ]);
  }

  static start(verifiers: readonly VerifierInstance[], options: LoadOptions): VerifyLoad {
    return new VerifyLoad(verifiers, options);
  }

  /** Stops every loop after its request in flight; resolves with all samples. */
  async stop(): Promise<VerifySample[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.samples;
  }

  private async loop(verifier: VerifierInstance, via: 'http' | 'grpc', options: LoadOptions) {
    while (this.running) {
      const sentAt = performance.now();
      const verdict = await (via === 'http' ? verifyOverHttp : verifyOverGrpc)(verifier, options);
      this.samples.push({ sentAt, verdict, via, verifier: verifier.instanceId });
      // A failing verifier answers at once: don't spin.
      if (isFailure(verdict)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

async function verifyOverHttp(verifier: VerifierInstance, options: LoadOptions): Promise<string> {
  try {
    const res = await fetch(`${verifier.url}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: options.token, ...options.needs }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { valid?: boolean; reason?: string };
    if (res.status !== 200) return `HTTP_${res.status}`;
    return body.valid === true ? 'OK' : String(body.reason);
  } catch {
    return 'ERROR';
  }
}

async function verifyOverGrpc(verifier: VerifierInstance, options: LoadOptions): Promise<string> {
  try {
    const res = await verifier.grpc.verify(options.token, options.needs ?? {});
    return res.valid ? 'OK' : res.reason;
  } catch (error) {
    return `GRPC_${(error as { code?: number }).code ?? 'ERROR'}`;
  }
}

/** No verdict: the verifier failed, was unreachable or refused to answer. */
export function isFailure(verdict: string): boolean {
  return verdict === 'ERROR' || verdict.startsWith('HTTP_') || verdict.startsWith('GRPC_');
}

/** Counts of each verdict, e.g. `{ OK: 812, REVOKED: 790 }`, for readable failure messages. */
export function tally(samples: readonly VerifySample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) counts[sample.verdict] = (counts[sample.verdict] ?? 0) + 1;
  return counts;
}
