// @ts-check
/** The gRPC floor: a bare grpc-js server with the verifier's proto, answering a fixed verdict. */
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { VERIFIER_PROTO_PATH } = require('@latchkey/contracts');
const { FIXED_VERDICT } = require('./fixed-verdict');

const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
const pkg = /** @type {any} */ (grpc.loadPackageDefinition(definition));
const server = new grpc.Server();
server.addService(pkg.latchkey.verifier.v1.TokenVerifier.service, {
  Verify: (/** @type {any} */ _call, /** @type {grpc.sendUnaryData<any>} */ callback) =>
    callback(null, FIXED_VERDICT),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`READY ${port}\n`);
});
