import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Wallet, hexlify, randomBytes } from "ethers";
import { Stack, randomUscc, DEPLOYER_KEY } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";
import { Membership__factory, ReceivableLedger__factory, type ReceivableLedger } from "../../typechain-types";
import { ledgerDomain, signAttestation } from "../../backend/src/ledger/typed-data";
import { attestedItem } from "../../backend/src/ledger/attestation";

/**
 * How the indexer links a certificate created on chain to the platform's own row (issue 15,
 * defect 9): by the operation that sent it, never by an invoice key alone. A supplier that keeps
 * its own key (B) calls the ledger directly with another supplier's (A's) invoice keys; whatever
 * it registers must never appear as A's certificate, and A's failed row and its retry must never
 * both take one certificate (a UNIQUE violation that stops the indexer for everyone).
 */
const CORE = "91360703MA0U2517GT"; // Nankang Carpenter Home Furnishing
const SUPPLIER = "91360722MA5W0G0MWT"; // Ganzhou Baifu Solid Wood Furniture

interface Invoice {
  id: string;
  invoiceKey: string;
  total: string;
  receivableId: string | null;
}

describe("linking ledger certificates to the platform's rows", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  let squatter: Wallet;
  let squatterOrgId: string;
  let ledger: ReceivableLedger;
  let coreAddress: string;
  let invoices: Invoice[];
  let opId = 1n;
  const rogueVerifier = Wallet.createRandom();
  const a = () => ({ key: orgs.get(SUPPLIER)!.key });
  const maturity = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  const chainMaturity = async () => BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 40 * 86_400);

  /**
   * B registers, straight on the ledger, a certificate on `key` for `amount` owed by the core
   * enterprise. The ledger needs a verifier's attestation for that: B gets it from a second
   * verifier (as if another verifier erred or its key leaked), since the platform's would not sign
   * another seller's invoice; what is tested here is that the platform still never links it.
   */
  const squat = async (key: string, amount: bigint) => {
    const item = { counterparty: coreAddress, amount, maturity: await chainMaturity(), invoicesRoot: hexlify(randomBytes(32)), invoiceKeys: [key] };
    const deadline = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 3600);
    const domain = ledgerDomain(BigInt(stack.deployment.chainId), stack.deployment.ledger);
    const signature = signAttestation(rogueVerifier.signingKey, domain, false, [attestedItem(squatter.address, false, item)], deadline);
    await (await ledger.register([item], { verifier: rogueVerifier.address, deadline, signature }, opId++)).wait();
    return (await ledger.lastReceivableId()).toString();
  };
  const projected = (chainId: string) =>
    eventually(async () => {
      const [row] = await stack.ds.query(`SELECT id, status, creditor_organization_id AS creditor, amount::text AS amount FROM receivables WHERE chain_id = $1`, [chainId]);
      return row as { id: string; status: string; creditor: string; amount: string } | undefined;
    }, 30_000, `certificate ${chainId} to be projected`);
  /** A registers `invoice` through the platform; the operation's final state and the row. */
  const registerThroughPlatform = async (invoice: Invoice) => {
    const r = await api.post("/v1/receivables", { items: [{ obligorId: orgs.get(CORE)!.id, invoiceIds: [invoice.id], maturityDate: maturity(40) }] }, a());
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const [{ receivable, operation }] = r.body.items;
    const op = await eventually(async () => {
      const o = (await api.get(`/v1/operations/${operation.id}`, a())).body;
      return o.status === "mined" || o.status === "failed" ? o : null;
    }, 30_000, `operation ${operation.id}`);
    return { id: receivable.id as string, op };
  };
  const row = async (id: string) => (await api.get(`/v1/receivables/${id}`, a())).body;

  beforeAll(async () => {
    stack = await Stack.start();
    api = stack.api;
    const op = { key: stack.operatorKey };
    squatter = new Wallet(hexlify(randomBytes(32)), hre.ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [squatter.address, "0x56BC75E2D63100000"]);
    const created = await api.post("/v1/organizations", { legalName: "赣州某家具有限公司", unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small", ledgerAddress: squatter.address }, op);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    squatterOrgId = created.body.id;
    await api.post(`/v1/organizations/${squatterOrgId}/kyc-approval`, {}, op);
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["gz-furniture"], suppliers: [SUPPLIER], invoices: (i) => !i.expected, invoicesPerSupplier: 4 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    await eventually(async () => (await api.get(`/v1/organizations/${squatterOrgId}`, op)).body.status === "active", 30_000, "the squatter to be active");
    [{ ledger_address: coreAddress }] = await stack.ds.query(`SELECT ledger_address FROM organizations WHERE id = $1`, [orgs.get(CORE)!.id]);
    ledger = ReceivableLedger__factory.connect(stack.deployment.ledger, squatter);
    // governance (the deployer is the default admin in tests) appoints a second verifier
    const membership = Membership__factory.connect(stack.deployment.membership, new Wallet(DEPLOYER_KEY, hre.ethers.provider));
    await (await membership.grantRole(await membership.VERIFIER_ROLE(), rogueVerifier.address)).wait();
    invoices = (await api.get("/v1/invoices?status=verified&limit=100", a())).body.items.filter((i: Invoice) => !i.receivableId && i.total);
    expect(invoices.length).toBeGreaterThanOrEqual(2);
  }, 240_000);
  afterAll(async () => stack?.close());

  it("never shows a certificate another member registered on a supplier's invoice key as that supplier's (the squatting hijack)", async () => {
    const [x] = invoices;
    const fifty = BigInt(x.total) * 50n;
    const first = await squat(x.invoiceKey, fifty);
    await projected(first); // recorded as B's own certificate (registered outside the platform)

    const mine = await registerThroughPlatform(x);
    expect(mine.op.status).toBe("failed");
    expect(mine.op.error.code).toBe("RECEIVABLE.DUPLICATE_INVOICE");
    expect((await row(mine.id)).status).toBe("failed");

    // B withdraws its squat and registers the key again: a creation event whose first key A's failed row holds
    await (await ledger.cancel([first], opId++)).wait();
    const second = await squat(x.invoiceKey, fifty);
    const shown = await projected(second);
    expect(shown).toMatchObject({ status: "pending", creditor: squatterOrgId, amount: fifty.toString() });
    const after = await row(mine.id);
    expect(after.status).toBe("failed");
    expect(after.certificateId).toBeNull();
    expect((await api.get(`/v1/receivables/${shown.id}/invoices`, a())).status).not.toBe(200); // not A's certificate: A cannot see it
  });

  it("links a retried registration to its own row only, and keeps the indexer going (the double link)", async () => {
    const y = invoices[1];
    const squatted = await squat(y.invoiceKey, BigInt(y.total));
    await projected(squatted);
    const failed = await registerThroughPlatform(y);
    expect(failed.op.status).toBe("failed");
    await (await ledger.cancel([squatted], opId++)).wait();

    // the retry's certificate carries the same keys as the failed row: it must land on the retry only
    const retry = await registerThroughPlatform(y);
    expect(retry.op.status).toBe("mined");
    const linked = await eventually(async () => {
      const r = await row(retry.id);
      return r.status === "pending" ? r : null;
    }, 30_000, "the retry to be pending (the indexer stops if the certificate is linked to two rows)");
    expect(linked.holderId).toBe(orgs.get(SUPPLIER)!.id);
    const old = await row(failed.id);
    expect(old.status).toBe("failed");
    expect(old.certificateId).toBeNull();
  });
});
