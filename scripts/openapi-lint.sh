#!/usr/bin/env bash
# Lints the services' OpenAPI documents with Redocly's recommended rules (redocly.yaml):
#   the issuer's admin API (apps/issuer/src/openapi.ts, served at /docs/openapi.json) and
#   the verifier's HTTP verify (apps/verifier/src/docs/verifier-openapi.ts, served at /docs/openapi.json).
# Both are written from the built apps without starting them (npm run build first, or this builds them):
#   bash scripts/openapi-lint.sh             lint both
#   bash scripts/openapi-lint.sh --out DIR   also keep the documents in DIR (issuer.json, verifier.json)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"
# No usage data sent and no update check: CI runs offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [[ "${1:-}" == "--out" && -n "${2:-}" ]]; then
  mkdir -p "$2"
  out="$(cd "$2" && pwd)"
  trap - EXIT
fi

tsc -b apps/issuer/tsconfig.app.json apps/verifier/tsconfig.app.json
node apps/issuer/dist/cli/openapi.js "$out/issuer.json"
node -e '
  const { verifierOpenApiDocument } = require(process.argv[1]);
  require("fs").writeFileSync(process.argv[2], JSON.stringify(verifierOpenApiDocument(), null, 2) + "\n");
' "$repo/apps/verifier/dist/docs/verifier-openapi.js" "$out/verifier.json"
redocly lint --config redocly.yaml --format stylish "$out/issuer.json" "$out/verifier.json"
