# ChainFactor application image: one image for every process type (Hardhat development ledger,
# setup, api, worker, indexer; see docker-compose.yml). Contracts are compiled at build time,
# which also generates the TypeChain bindings (typechain-types/) the backend imports at run time;
# TypeScript runs through ts-node (transpile only).
FROM node:20-bookworm-slim
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false
WORKDIR /app
RUN chown node:node /app
USER node
# devDependencies are needed at run time (hardhat, ts-node, typechain), so install everything
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=node:node . .
# solc comes from the `solc` npm package (hardhat.config.ts): no compiler download
RUN npx hardhat compile --quiet
ENV LEDGER_RPC_URL=http://ledger:8545
EXPOSE 3000 8545
# node itself as the process (not npm): SIGTERM reaches the process and it shuts down gracefully
CMD ["node", "-r", "ts-node/register/transpile-only", "backend/src/api.ts"]
