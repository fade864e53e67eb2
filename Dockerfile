# syntax=docker/dockerfile:1
# The TP-Capital image: one image, every role (`api` by default; `ingest`, `migrate`, `migrate-legacy`
# through the command). Built from the repository root:
#   docker build -t tp-capital:$(git rev-parse --short HEAD) .
# The production stack runs it: compose/docker-compose.tp-capital-stack.yml, docs/runbook.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, then the TypeScript build (server and dashboard) ---------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here. --omit=optional: the embedded
# PostgreSQL binaries (development default only) are not needed to compile.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --omit=optional --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies, the compiled code, the migrations ---------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no compiler or test tools. --ignore-scripts: `prepare` would run the build (dist/ comes
# from the build stage instead). --omit=optional: no embedded PostgreSQL; production roles are given
# DATABASE_URL and never start one.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY drizzle ./drizzle
# Root owns the files; the process runs as `node` and cannot change them.
USER node
EXPOSE 4005
# Liveness of the API role (other roles override it in compose). No curl in the slim image: Node's fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4005) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/tp-capital.js"]
CMD ["api"]
