#!/usr/bin/env bash
# The admin API client types, generated from the issuer's OpenAPI document with openapi-typescript:
# the console's (apps/console/src/api/schema.d.ts) and the client SDK's (libs/client/src/admin/schema.ts,
# the same types as a .ts module so that they are part of the published package):
#   npm run console:client                 regenerate from the document built in-process (no services)
#   OPENAPI_URL=http://localhost:3000/docs/openapi.json npm run console:client    ... from a running issuer
#   npm run console:client -- --check      fail when a committed file differs (npm test and CI run it)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"
targets=(apps/console/src/api/schema.d.ts libs/client/src/admin/schema.ts)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ -n "${OPENAPI_URL:-}" ]]; then
  node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(`${r.status} from ${r.url}`); process.stdout.write(await r.text()); })' \
    "$OPENAPI_URL" >"$tmp/openapi.json"
else
  tsc -b apps/issuer/tsconfig.app.json
  node apps/issuer/dist/cli/openapi.js "$tmp/openapi.json"
fi
openapi-typescript "$tmp/openapi.json" --output "$tmp/generated.d.ts" >/dev/null
status=0
for target in "${targets[@]}"; do
  formatted="$tmp/formatted-$(basename "$target")"
  prettier --stdin-filepath "$target" <"$tmp/generated.d.ts" >"$formatted"
  if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u "$target" "$formatted"; then
      echo "$target is out of date with the issuer's OpenAPI document: run npm run console:client" >&2
      status=1
    else
      echo "$target matches the issuer's OpenAPI document"
    fi
  else
    cp "$formatted" "$target"
    echo "wrote $target"
  fi
done
exit $status
