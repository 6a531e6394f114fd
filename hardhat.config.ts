import { HardhatUserConfig, subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-ethers";
import "@typechain/hardhat";

// No compiler downloads on this network: compile with the solc-js shipped in the
// `solc` npm package. Keep `SOLC_VERSION` equal to the installed package version.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SOLC_VERSION: string = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion === SOLC_VERSION) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc");
    return {
      compilerPath: require.resolve("solc/soljson.js"),
      isSolcJs: true,
      version: args.solcVersion,
      longVersion: solc.version(),
    };
  }
  return runSuper();
});

/**
 * `LEDGER_BLOCK_TIME_MS` set: blocks every that many ms (as on the Besu QBFT network's block period),
 * with transactions waiting in the mempool in between, instead of one block per transaction. Only
 * the end-to-end benchmark sets it; unset, the network automines as before.
 */
function intervalMining(): { mining?: { auto: boolean; interval: number }; blockGasLimit?: number } {
  const ms = Number(process.env.LEDGER_BLOCK_TIME_MS ?? "");
  // and a block gas limit nearer the production network's (ops/besu/genesis.json: no practical limit) than Hardhat's 30 M
  const gasLimit = Number(process.env.LEDGER_BLOCK_GAS_LIMIT ?? "1000000000");
  return Number.isInteger(ms) && ms > 0 ? { mining: { auto: false, interval: ms }, blockGasLimit: gasLimit } : {};
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // Cancun is the newest fork both Hardhat's network and Besu QBFT (production) run.
      evmVersion: "cancun",
      viaIR: true,
      optimizer: { enabled: true, runs: 200 },
      // NatSpec goes into build-info so scripts/gen-error-catalogue.ts can read it.
      outputSelection: { "*": { "*": ["devdoc", "userdoc"] } },
    },
  },
  networks: {
    // Gas is free, as on the production Besu network (zero base fee): platform keys need no ether.
    hardhat: { hardfork: "cancun", chainId: 31337, initialBaseFeePerGas: 0, ...intervalMining() },
    localhost: { url: process.env.LEDGER_RPC_URL ?? "http://127.0.0.1:8545" },
  },
  paths: { sources: "contracts", tests: "test", cache: "cache", artifacts: "artifacts" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;
