import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO_PATH } from 'grpc-health-check';
import { startSystem, type RunningSystem } from './support/system';

const VERIFIER_SERVICE = 'latchkey.verifier.v1.TokenVerifier';
const REFLECTION_PROTO_PATH = join(
  dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

interface HealthResponse {
  status: string;
}
type HealthClient = grpc.Client & {
  Check(
    request: { service: string },
    options: { deadline: Date },
    callback: (error: grpc.ServiceError | null, response: HealthResponse) => void,
  ): void;
  Watch(request: { service: string }): grpc.ClientReadableStream<HealthResponse>;
};
interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}
type ReflectionClient = grpc.Client & {
  ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, string>, ReflectionResponse>;
};

function client<T>(protoPath: string, path: string[], address: string): T {
  const definition = protoLoader.loadSync(protoPath, { keepCase: false, defaults: true, enums: String });
  const root = grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown>;
  const Service = path.reduce<unknown>(
    (node, key) => (node as Record<string, unknown>)[key],
    root,
  ) as grpc.ServiceClientConstructor;
  return new Service(address, grpc.credentials.createInsecure()) as unknown as T;
}

/** One request on the reflection stream, as grpcurl sends it. */
function reflect(reflection: ReflectionClient, request: Record<string, string>): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const call = reflection.ServerReflectionInfo();
    call.once('data', (response: ReflectionResponse) => {
      resolve(response);
      call.end();
    });
    call.once('error', reject);
    call.write(request);
  });
}

/**
 * The verifier's gRPC server speaks the standard grpc.health.v1 protocol (Kubernetes gRPC probes) and
 * server reflection (grpcurl), beside latchkey.verifier.v1.TokenVerifier.
 */
describe('the verifier gRPC health and reflection services', () => {
  let system: RunningSystem;
  let health: HealthClient;
  let reflection: ReflectionClient;

  beforeAll(async () => {
    system = await startSystem();
    const address = system.env.VERIFIER_GRPC_URL ?? '';
    health = client<HealthClient>(HEALTH_PROTO_PATH, ['grpc', 'health', 'v1', 'Health'], address);
    reflection = client<ReflectionClient>(
      REFLECTION_PROTO_PATH,
      ['grpc', 'reflection', 'v1', 'ServerReflection'],
      address,
    );
  });

  afterAll(async () => {
    health?.close();
    reflection?.close();
    await system?.close();
  });

  const check = (service: string) =>
    new Promise<HealthResponse>((resolve, reject) =>
      health.Check({ service }, { deadline: new Date(Date.now() + 5_000) }, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );

  it('reports SERVING for the whole server and for the verifier service', async () => {
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check(VERIFIER_SERVICE)).toEqual({ status: 'SERVING' });
  });

  it('answers NOT_FOUND for a service it does not host', async () => {
    await expect(check('latchkey.nothing.v1.Nothing')).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });

  it('lists the verifier and health services through reflection', async () => {
    const response = await reflect(reflection, { listServices: '' });
    const names = response.listServicesResponse?.service.map((s) => s.name) ?? [];
    expect(names).toEqual(expect.arrayContaining([VERIFIER_SERVICE, 'grpc.health.v1.Health']));
  });

  it('describes the verifier service through reflection, as grpcurl describe does', async () => {
    const response = await reflect(reflection, { fileContainingSymbol: VERIFIER_SERVICE });
    const files = response.fileDescriptorResponse?.fileDescriptorProto ?? [];
    expect(files.length).toBeGreaterThan(0);
    expect(Buffer.concat(files).toString('latin1')).toContain('TokenVerifier');
  });

  it('turns NOT_SERVING as soon as the verifier begins to shut down, and lets it drain', async () => {
    const watch = health.Watch({ service: VERIFIER_SERVICE });
    const seen: string[] = [];
    const notServing = new Promise<void>((resolve, reject) => {
      watch.on('data', (response: HealthResponse) => {
        seen.push(response.status);
        if (response.status === 'NOT_SERVING') resolve();
      });
      watch.on('error', (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) reject(error);
      });
    });
    const ended = new Promise<void>((resolve) => watch.once('end', () => resolve()));
    await new Promise<void>((resolve) => watch.once('data', () => resolve()));
    // An open Watch is a call in flight: the verifier ends it itself rather than wait to be killed.
    const stopped = system.verifier.stop(10_000);
    await notServing;
    await ended;
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await stopped).toBe(0);
  });
});
