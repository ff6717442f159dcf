#!/usr/bin/env bash
# The console's API client types (apps/console/src/api/schema.d.ts), generated from the issuer's OpenAPI
# document with openapi-typescript:
#   npm run console:client                 regenerate from the document built in-process (no services)
#   OPENAPI_URL=http://localhost:3000/docs/openapi.json npm run console:client    ... from a running issuer
#   npm run console:client -- --check      fail when the committed file differs (npm test and CI run it)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"
target=apps/console/src/api/schema.d.ts
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ -n "${OPENAPI_URL:-}" ]]; then
  node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(`${r.status} from ${r.url}`); process.stdout.write(await r.text()); })' \
    "$OPENAPI_URL" >"$tmp/openapi.json"
else
  tsc -b apps/issuer/tsconfig.app.json
  node apps/issuer/dist/cli/openapi.js "$tmp/openapi.json"
fi
openapi-typescript "$tmp/openapi.json" --output "$tmp/schema.d.ts" >/dev/null
prettier --stdin-filepath "$target" <"$tmp/schema.d.ts" >"$tmp/schema.formatted.d.ts"

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -u "$target" "$tmp/schema.formatted.d.ts"; then
    echo "$target is out of date with the issuer's OpenAPI document: run npm run console:client" >&2
    exit 1
  fi
  echo "$target matches the issuer's OpenAPI document"
else
  cp "$tmp/schema.formatted.d.ts" "$target"
  echo "wrote $target"
fi
