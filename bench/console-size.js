// @ts-check
/**
 * The console's first-page weight: the JavaScript and CSS that /console/index.html loads, raw and gzipped,
 * against the target of 250 kB of gzipped JavaScript. Builds the console first unless --no-build:
 *   npm run bench:console [-- --no-build]
 * Exits 1 when the JavaScript is over the target, so it can gate a release, not a test run.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { gzipSync } = require('node:zlib');

const TARGET_GZIP_BYTES = 250 * 1000;
const app = resolve(__dirname, '..', 'apps', 'console');
if (!process.argv.includes('--no-build')) {
  execFileSync('npx', ['--no', '--', 'vite', 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
}
const dist = join(app, 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
// Every asset the entry page names (script, modulepreload, stylesheet), served under /console/.
const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let jsGzip = 0;
for (const asset of assets) {
  const bytes = readFileSync(join(dist, asset));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  if (asset.endsWith('.js')) jsGzip += gzip;
  console.log(`${asset.padEnd(40)} ${(bytes.length / 1000).toFixed(1).padStart(8)} kB  gzip ${(gzip / 1000).toFixed(1).padStart(7)} kB`);
}
const verdict = jsGzip <= TARGET_GZIP_BYTES ? 'within' : 'OVER';
console.log(`first page JavaScript: ${(jsGzip / 1000).toFixed(1)} kB gzipped (${verdict} the ${TARGET_GZIP_BYTES / 1000} kB target)`);
process.exit(jsGzip <= TARGET_GZIP_BYTES ? 0 : 1);
