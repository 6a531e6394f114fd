/**
 * `npm run besu:keys`: generates the four-validator Hyperledger Besu QBFT network that
 * `docker compose --profile besu up` runs (see docker-compose.yml and ops/besu/README.md):
 *
 *   ops/besu/validator<N>/key        node private key (hex, the format Besu's --node-private-key-file reads)
 *   ops/besu/validator<N>/key.pub    node public key (the enode id)
 *   ops/besu/validator<N>/address    node address = QBFT validator address
 *   ops/besu/genesis.json            QBFT genesis: the validators in extraData, free gas, deployer funded
 *   ops/besu/static-nodes.json       the four enodes (discovery is off; nodes dial each other directly)
 *   ops/besu/permissions_config.toml local node permissioning: nodes-allowlist of exactly the four enodes
 *
 * Every run makes NEW keys and overwrites the files. The set committed in the repository is a
 * development set whose private keys are public: never use it for a network that matters. After
 * regenerating, the old chain no longer matches the genesis: remove it with
 * `docker compose --profile besu down -v` before starting again.
 *
 * Options: --out <dir> (default ops/besu); --deployer <address> (funded in genesis; default the
 * address of $BESU_DEPLOYER_PRIVATE_KEY if set, else Hardhat's well-known account #0, development only;
 * docker-compose.yml's besu-setup deploys with that same variable and default).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SigningKey, Wallet, computeAddress, encodeRlp, getAddress, hexlify, randomBytes, toBeHex } from "ethers";

/** Chain id of the Besu network; docker-compose.yml's besu services set LEDGER_CHAIN_ID to it. */
export const BESU_CHAIN_ID = 13370;
/**
 * The compose network `besu` (docker-compose.yml): validators have fixed addresses below .128 and
 * containers that join the network get dynamic ones from ip_range .128/25, so they never collide.
 * Node allowlists and static nodes name validators by IP (Besu's DNS names in enodes are early access).
 */
export const BESU_SUBNET = "172.16.240.0/24";
export const BESU_DYNAMIC_IP_RANGE = "172.16.240.128/25";
export const VALIDATOR_IPS = ["172.16.240.11", "172.16.240.12", "172.16.240.13", "172.16.240.14"];
export const P2P_PORT = 30303;
/** Hardhat's well-known account #0: the development deployer (its private key is public). */
export const DEV_DEPLOYER_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** Fixed mixHash that identifies a BFT (IBFT 2.0 / QBFT) block (Besu QBFT documentation). */
export const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** Block gas limit: the free-gas network value from Besu's documentation (gas costs nothing here). */
export const GAS_LIMIT = "0x1fffffffffffff";
/** 10^9 ether for the deployer: transactions are free, but a client may still send a priority fee. */
export const DEPLOYER_BALANCE = toBeHex(10n ** 27n);

export interface Validator {
  name: string;
  privateKey: string;
  /** Uncompressed public key without the 0x04 prefix: the node id in its enode URL. */
  nodeId: string;
  address: string;
  ip: string;
  enode: string;
}

export function validatorFromKey(name: string, privateKey: string, ip: string): Validator {
  const key = new SigningKey(privateKey);
  const nodeId = key.publicKey.slice(4); // drop "0x04"
  return { name, privateKey: key.privateKey, nodeId, address: computeAddress(key.publicKey), ip, enode: `enode://${nodeId}@${ip}:${P2P_PORT}` };
}

/**
 * QBFT genesis extraData with block-header validator selection:
 * RLP([32 bytes vanity, [validator addresses, ascending], no vote, round 0, no seals]).
 */
export function qbftExtraData(validatorAddresses: string[]): string {
  const sorted = validatorAddresses.map((a) => getAddress(a).toLowerCase()).sort();
  return encodeRlp([hexlify(new Uint8Array(32)), sorted, [], "0x", []]);
}

export function genesis(o: { chainId: number; validators: string[]; funded: string[]; timestamp?: number }) {
  return {
    config: {
      chainId: o.chainId,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      // free gas (Besu "free gas networks"): base fee 0 with London, and --min-gas-price=0 on every node
      zeroBaseFee: true,
      qbft: { blockperiodseconds: 1, epochlength: 30000, requesttimeoutseconds: 4 },
    },
    nonce: "0x0",
    timestamp: toBeHex(o.timestamp ?? Math.floor(Date.now() / 1000)),
    gasLimit: GAS_LIMIT,
    difficulty: "0x1",
    mixHash: QBFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    extraData: qbftExtraData(o.validators),
    alloc: Object.fromEntries(o.funded.map((a) => [getAddress(a).toLowerCase(), { balance: DEPLOYER_BALANCE }])),
    number: "0x0",
    gasUsed: "0x0",
    parentHash: "0x0000000000000000000000000000000000000000000000000000000000000000",
  };
}

export function permissionsConfig(enodes: string[]): string {
  return [
    "# Besu local node permissioning (--permissions-nodes-config-file): a validator accepts connections",
    "# only from these nodes. Generated by `npm run besu:keys`; keep it identical on every node.",
    `nodes-allowlist=[${enodes.map((e) => JSON.stringify(e)).join(",")}]`,
    "",
  ].join("\n");
}

export interface GeneratedNetwork {
  chainId: number;
  validators: Validator[];
  deployer: string;
  files: string[];
}

/** Writes a complete network into `outDir` (see the file header); `keys` for reproducible tests. */
export function generateNetwork(o: { outDir: string; deployer: string; keys?: string[]; timestamp?: number }): GeneratedNetwork {
  const keys = o.keys ?? VALIDATOR_IPS.map(() => hexlify(randomBytes(32)));
  if (keys.length !== VALIDATOR_IPS.length) throw new Error(`expected ${VALIDATOR_IPS.length} validator keys, got ${keys.length}`);
  const validators = keys.map((k, i) => validatorFromKey(`validator${i + 1}`, k, VALIDATOR_IPS[i]));
  const deployer = getAddress(o.deployer);
  const files: string[] = [];
  const write = (path: string, content: string) => {
    const full = join(o.outDir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, content, path.endsWith("/key") ? { mode: 0o600 } : {});
    files.push(full);
  };
  for (const v of validators) {
    // one line, no newline: what Besu itself writes and reads back
    write(`${v.name}/key`, v.privateKey);
    write(`${v.name}/key.pub`, `0x${v.nodeId}\n`);
    write(`${v.name}/address`, `${v.address}\n`);
  }
  const g = genesis({ chainId: BESU_CHAIN_ID, validators: validators.map((v) => v.address), funded: [deployer], timestamp: o.timestamp });
  write("genesis.json", JSON.stringify(g, null, 2) + "\n");
  const enodes = validators.map((v) => v.enode);
  write("static-nodes.json", JSON.stringify(enodes, null, 2) + "\n");
  write("permissions_config.toml", permissionsConfig(enodes));
  return { chainId: BESU_CHAIN_ID, validators, deployer, files };
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: join(__dirname, "../ops/besu") },
      deployer: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log("npm run besu:keys -- [--out DIR] [--deployer ADDRESS]");
    return;
  }
  const deployer = values.deployer ?? new Wallet(process.env.BESU_DEPLOYER_PRIVATE_KEY || DEV_DEPLOYER_PRIVATE_KEY).address;
  const outDir = resolve(values.out!);
  const net = generateNetwork({ outDir, deployer });
  console.log(`Besu QBFT network, chain ${net.chainId}, written to ${relative(process.cwd(), outDir) || "."}:`);
  for (const v of net.validators) console.log(`  ${v.name}  ${v.address}  ${v.enode}`);
  console.log(`  deployer funded in genesis: ${net.deployer}`);
  console.log("If this network ran before, remove its old chain data: docker compose --profile besu down -v");
}

if (require.main === module) main();
