# ChainFactor application image: contracts compiled, TypeScript run with ts-node.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx hardhat compile --quiet
ENV LEDGER_RPC_URL=http://ledger:8545
