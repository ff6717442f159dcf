// @ts-check
/** The HTTP floor: a bare node:http server that parses the verify body and answers a fixed verdict. */
const { createServer } = require('node:http');
const { FIXED_VERDICT } = require('./fixed-verdict');

const body = JSON.stringify(FIXED_VERDICT);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`READY ${address.port}\n`);
});
