# syntax=docker/dockerfile:1
#
# One image per Latchkey service, from one multi-stage build:
#
#   docker build --target issuer   -t latchkey/issuer .     # node apps/issuer/dist/main.js
#   docker build --target verifier -t latchkey/verifier .   # node apps/verifier/dist/main.js
#   docker build --target worker   -t latchkey/worker .     # node apps/worker/dist/main.js
#   docker build --target migrate  -t latchkey/migrate .    # node apps/issuer/dist/cli/migrate.js (one-shot)
#   docker build --build-arg APP=verifier -t latchkey/verifier .   # the default target, by build arg
#
# The libraries are resolved at run time through the npm workspace links node_modules/@latchkey/* ->
# libs/* (package.json "main": "dist/index.js"), so the runtime image holds node_modules (production
# dependencies only), every workspace's package.json and dist/, and the gRPC contract in
# libs/contracts/proto. No sources, tests or dev dependencies. The console (apps/console) is static files
# built by Vite into apps/console/dist, which the issuer serves at /console; its packages are dev
# dependencies, so none of them reaches the runtime image.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NX_DAEMON=false
WORKDIR /app

# Only the manifests, so that `npm ci` is re-run only when a package.json or the lock file changes.
FROM base AS manifests
COPY . /src
RUN mkdir -p /manifests \
 && cd /src \
 && cp package.json package-lock.json /manifests/ \
 && find apps libs -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \;

FROM base AS deps
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS build
COPY . .
RUN npx tsc -b tsconfig.build.json \
 && (cd apps/console && npx --no -- vite build --logLevel warn) \
 && find apps/console/dist -name '*.map' -delete \
 && mkdir -p /out \
 && for dir in apps/* libs/*; do \
      [ -d "$dir" ] || continue; \
      mkdir -p "/out/$dir"; \
      if [ -f "$dir/package.json" ]; then cp "$dir/package.json" "/out/$dir/"; fi; \
      if [ -d "$dir/dist" ]; then cp -R "$dir/dist" "/out/$dir/"; fi; \
    done \
 && cp -R libs/contracts/proto /out/libs/contracts/ \
 && find /out -name '*.tsbuildinfo' -delete

# Production dependencies only: the dev tools (TypeScript, Jest, Nx, ESLint…) are pruned.
FROM deps AS prod-deps
RUN npm prune --omit=dev \
 && mkdir -p /deps \
 && find . -maxdepth 3 -type d -name node_modules -prune -exec cp -a --parents {} /deps/ \;

FROM ${NODE_IMAGE} AS runtime
# Production: the issuer refuses the HS256 development secret (ADMIN_JWT_SECRET) and wants ADMIN_JWKS_URL
# with ADMIN_JWT_ISSUER and ADMIN_JWT_AUDIENCE, unless ALLOW_DEV_JWT_SECRET_IN_PRODUCTION=true.
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /deps/ ./
COPY --from=build /app/package.json ./
COPY --from=build /out/ ./
# The files stay owned by root and read-only for the service, which runs unprivileged.
USER node

FROM runtime AS issuer
# 3003: the internal API (/internal/v1) for the worker, bound to INTERNAL_HOST (127.0.0.1 by default).
EXPOSE 3000 3003
CMD ["node", "apps/issuer/dist/main.js"]

FROM runtime AS migrate
CMD ["node", "apps/issuer/dist/cli/migrate.js"]

FROM runtime AS verifier
EXPOSE 3001 50051
# V8 would size the heap from the host's memory (64 MB semi-spaces, a 4 GB heap) and, at thousands of
# verifications a second, let the young generation and old garbage grow the RSS to 300+ MB around a live
# heap of ~35 MB. These bounds keep it under 200 MB at full load (docs/performance.md, "Verifier
# memory"); `npm run bench` starts the verifier with the flags of this line.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=256", "apps/verifier/dist/main.js"]

FROM runtime AS worker
EXPOSE 3002
CMD ["node", "apps/worker/dist/main.js"]

# Default target (`docker build .`): the service named by the APP build arg.
FROM runtime AS app
ARG APP=issuer
ENV APP=${APP}
CMD ["sh", "-c", "exec node \"apps/${APP}/dist/main.js\""]
