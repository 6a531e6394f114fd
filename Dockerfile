# ChainFactor images, two stages of one Dockerfile (see docker-compose.yml):
#
#   build  everything installed (devDependencies too), the contracts compiled with their TypeChain
#          bindings, the error catalogue regenerated and the TypeScript compiled to dist/
#          (`npm run build`). Hardhat lives here, so this stage is also the image of the Hardhat
#          development ledger (`ledger` service; its CMD).
#   app    (the default target) what production runs: node, the production dependencies only, and
#          the compiled JavaScript from the build stage. The setup, api, worker and indexer
#          services; no TypeScript compiler, ts-node or Hardhat at run time.
FROM node:20-bookworm-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=node:node . .
# solc comes from the `solc` npm package (hardhat.config.ts): no compiler download
RUN npm run build
EXPOSE 8545
CMD ["npx", "hardhat", "node", "--hostname", "0.0.0.0", "--port", "8545"]

FROM node:20-bookworm-slim AS app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build --chown=node:node /app/dist ./dist
# the documents' bundled font (a document renders the same bytes everywhere: never a system font)
COPY --from=build --chown=node:node /app/backend/src/modules/documents/render/fonts ./dist/backend/src/modules/documents/render/fonts
# the local invoice adapters' data (SEEDS_DIR) and where `ops deploy` records the addresses
COPY --chown=node:node seeds ./seeds
COPY --chown=node:node deployments ./deployments
# the local CA's key file lives here (a volume in docker-compose.yml), writable by the app only
RUN mkdir -m 700 /app/ca
ENV LEDGER_RPC_URL=http://ledger:8545
EXPOSE 3000
# node itself as the process (not npm): SIGTERM reaches the process and it shuts down gracefully
CMD ["node", "dist/backend/src/api.js"]
