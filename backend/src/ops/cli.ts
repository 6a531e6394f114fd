import { parseArgs } from "node:util";
import { loadConfig, ConfigError } from "../config/config";
import { migrate } from "../shared/db";
import { platformDataSource } from "../platform";
import { preflight, startFailureText, type Check } from "../shared/preflight";
import { KeyVault } from "../ledger/key-vault";
import { LedgerGateway } from "../ledger/gateway";
import { bootstrap } from "./bootstrap";
import { WebhooksService } from "../modules/webhooks";
import { deploy } from "./deploy";
import { resumeObligor } from "./resume-obligor";

const USAGE = `npm run ops -- <command> [options]

  migrate                 apply pending database migrations
  bootstrap [--name N] [--uscc CODE] [--email E] [--admin-name N]
                          create the operator organization and print its first API key (once)
  deploy [--admin-delay SECONDS]
                          deploy the contracts with DEPLOYER_PRIVATE_KEY, grant the operator key
                          OPERATOR_ROLE, record the addresses
  rotate-keys             re-seal every custodial key under KEY_ENCRYPTION_KEY
  resume-obligor --organization ID --reason TEXT
                          governance: let a core enterprise paused as a delinquent obligor issue and
                          confirm again before it has paid (a restructuring, a court order), signed
                          with DEPLOYER_PRIVATE_KEY (the contracts' default admin); the reason is
                          recorded on the ledger (bytes32) and its text kept by the platform
`;

/** What each command needs before it connects (none of them uses Redis). */
const NEEDS: Record<string, Check[]> = {
  migrate: ["postgres"],
  bootstrap: ["postgres"],
  deploy: ["postgres", "ledger"],
  "rotate-keys": ["postgres"],
  "resume-obligor": ["postgres", "ledger"],
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string", default: "ChainFactor Consortium Operator" },
      uscc: { type: "string", default: "91500000MA5UCF0P0X" },
      email: { type: "string", default: "operator@chainfactor.example" },
      "admin-name": { type: "string", default: "Operator Admin" },
      "admin-delay": { type: "string", default: String(2 * 86_400) },
      organization: { type: "string" },
      reason: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!Object.hasOwn(NEEDS, command)) {
    console.error(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  await preflight(config, NEEDS[command]);
  const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 2, applicationName: "chainfactor-ops" });
  await ds.initialize();
  try {
    const vault = () => new KeyVault(config.KEY_ENCRYPTION_KEY, config.KEY_ENCRYPTION_KEY_PREVIOUS);
    switch (command) {
      case "migrate": {
        const applied = await migrate(ds);
        console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
        return 0;
      }
      case "bootstrap": {
        await migrate(ds);
        const r = await bootstrap(ds, vault(), { legalName: values.name!, uscc: values.uscc!.toUpperCase(), adminEmail: values.email!, adminName: values["admin-name"]! });
        console.log(`operator organization ${r.organizationId}, admin user ${r.userId}, operator ledger key ${r.operatorAddress}`);
        console.log(`API key (shown once, store it now): ${r.apiKey}`);
        console.log(`Portal: choose the admin's password at <API URL>/portal/invitation/${r.invitationToken} (once, within 7 days), then sign in as ${values.email}`);
        return 0;
      }
      case "deploy": {
        if (!config.DEPLOYER_PRIVATE_KEY) throw new Error("set DEPLOYER_PRIVATE_KEY to the key that deploys and administers the contracts");
        const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID);
        try {
          const r = await deploy(ds, vault(), gateway, config.DEPLOYER_PRIVATE_KEY, BigInt(values["admin-delay"]!));
          console.log(`deployed on chain ${r.chainId} at block ${r.blockNumber}: ledger ${r.ledger}, membership ${r.membership}, token ${r.settlementToken}; operator ${r.operators[0]}`);
        } finally {
          gateway.destroy();
        }
        return 0;
      }
      case "resume-obligor": {
        if (!values.organization || !values.reason) throw new Error("resume-obligor needs --organization <id> and --reason <text>");
        if (!config.DEPLOYER_PRIVATE_KEY) throw new Error("set DEPLOYER_PRIVATE_KEY to the governance key (the contracts' default admin)");
        const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID);
        try {
          const r = await resumeObligor(ds, gateway, config.DEPLOYER_PRIVATE_KEY, values.organization, values.reason);
          console.log(`resumed ${r.legalName} (${r.organizationId}), ${r.delinquencies} delinquent certificate(s), reason ${r.reason}: tx ${r.txHash} in block ${r.blockNumber}`);
        } finally {
          gateway.destroy();
        }
        return 0;
      }
      case "rotate-keys": {
        console.log(`re-sealed ${await vault().rotate(ds)} ledger keys and ${await new WebhooksService(ds, vault()).rotateSecrets()} webhook secrets`);
        return 0;
      }
      default:
        throw new Error(`no implementation for the command ${command}`);
    }
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof ConfigError ? e.message : startFailureText("ops", e));
    process.exit(1);
  },
);
