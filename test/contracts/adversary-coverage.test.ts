/**
 * Direct-ledger adversary suite (issue 15, "Prove it"): a self-keyed member of each kind (core
 * enterprise, supplier, bank, settlement issuer, auditor, a non-member, a removed key, a suspended
 * member, the operator, governance) calls every state-changing function of ReceivableLedger,
 * Membership and SettlementToken with hostile arguments: other members' certificates, ids that do
 * not exist, amounts of 0, 2^80 and 2^256-1, past and far-future dates, non-canonical invoice keys,
 * replayed and foreign signatures and attestations, address(0). Each attempt must revert with the
 * custom error its row writes down (and its arguments); afterwards the ledger's state is exactly
 * what it was before the campaign.
 *
 * The rows live in ./adversary/: the scene they attack (scene.ts), how they are written
 * (table.ts) and one module per area. The first test fails when a contract gains a state-changing
 * function without rows, or when a row names no kind of attacker it should.
 * authorization.test.ts covers the complementary question: which caller may succeed with
 * well-formed arguments.
 */
import { describe, it, expect, beforeAll } from "vitest";
import hre from "hardhat";
import { FunctionFragment, type Interface } from "ethers";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Membership__factory, ReceivableLedger__factory, SettlementToken__factory } from "../../typechain-types";
import { revertOf, orgId, DEFAULT_PARAMS } from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";
import { scene, ledgerState, ACCOUNTS, FACE, type Scene } from "./adversary/scene";
import { KINDS, KIND_ACCOUNT, SELF, ANY, type ContractRows, type Refusal, type Row, type Call } from "./adversary/table";
import { MEMBERSHIP, TOKEN } from "./adversary/membership-token";
import { LEDGER_CERTIFICATES } from "./adversary/ledger-certificates";
import { LEDGER_MONEY } from "./adversary/ledger-money";
import { LEDGER_DOCUMENTS } from "./adversary/ledger-documents";

const CONTRACTS: [string, Interface, ContractRows][] = [
  ["ReceivableLedger", ReceivableLedger__factory.createInterface(), { ...LEDGER_CERTIFICATES, ...LEDGER_MONEY, ...LEDGER_DOCUMENTS }],
  ["Membership", Membership__factory.createInterface(), MEMBERSHIP],
  ["SettlementToken", SettlementToken__factory.createInterface(), TOKEN],
];

/**
 * ERC-721's functions that change state in the standard: the ledger overrides them as `pure`
 * functions that always refuse (certificates move only by offer and acceptance), and each still
 * needs its rows proving that it refuses everyone.
 */
const ERC721_MOVERS = new Set(
  (hre.artifacts.readArtifactSync("IERC721").abi as { type: string; name: string; stateMutability: string }[])
    .filter((f) => f.type === "function" && f.stateMutability !== "view")
    .map((f) => f.name),
);

/** The state-changing functions of an ABI (and ERC-721's refused movers), by name, or by signature where a name is overloaded. */
function mutating(iface: Interface): string[] {
  const fns = iface.fragments.filter(
    (f): f is FunctionFragment => FunctionFragment.isFragment(f) && f.stateMutability !== "view" && (f.stateMutability !== "pure" || ERC721_MOVERS.has(f.name)),
  );
  const count = (name: string) => fns.filter((f) => f.name === name).length;
  return fns.map((f) => (count(f.name) > 1 ? f.format("sighash") : f.name)).sort();
}

describe("direct-ledger adversary table", () => {
  it("has rows for every state-changing function of every contract, and an outcome for every kind of attacker", () => {
    for (const [name, iface, rows] of CONTRACTS) {
      expect({ contract: name, functions: Object.keys(rows).sort() }).toEqual({ contract: name, functions: mutating(iface) });
      for (const [fn, spec] of Object.entries(rows)) {
        expect({ function: `${name}.${fn}`, kinds: Object.keys(spec.kinds).sort() }).toEqual({ function: `${name}.${fn}`, kinds: [...KINDS].sort() });
        const refusals = Object.values(spec.kinds).filter((k) => "error" in k).length + (spec.rows ?? []).length;
        expect(refusals, `${name}.${fn} has no hostile attempt at all`).toBeGreaterThan(0);
      }
    }
  });
});

describe("direct-ledger adversaries", () => {
  let s: Scene;
  beforeAll(async () => {
    s = await scene();
  }, 120_000);

  it("attacks the scene the rows assume: certificates in every state, payouts held for the removed and the suspended", async () => {
    const { w, ids, as } = s;
    const statuses = Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([k, id]) => [k, Number((await w.ledger.receivable(id)).status)])));
    expect(statuses).toEqual({
      P: S.Pending, Ps: S.Pending, C: S.Confirmed, Cc2: S.Confirmed, M: S.Confirmed, Y: S.Confirmed, Z: S.Confirmed, F: S.Financed,
      O: S.Overdue, Ou: S.Overdue, Dd: S.Defaulted, X: S.Settled, Xs: S.Settled, I: S.Offered, T: S.Offered,
    });
    expect([(await w.ledger.offerOf(ids.I)).to, (await w.ledger.offerOf(ids.T)).to]).toEqual([as.supplierA.address, as.supplierC.address]);
    expect(await w.ledger.ownerOf(ids.T)).toBe(as.supplierA.address);
    for (const core of [as.core1, as.core2]) expect(await w.ledger.delinquenciesOf(core.address)).toBe(0n);
    expect(await w.ledger.ownerOf(ids.Y)).toBe(as.removed.address);
    expect(await w.ledger.ownerOf(ids.Z)).toBe(as.susSupplier.address);
    expect(await w.ledger.heldPayouts(as.removed.address)).toBe(FACE);
    expect(await w.ledger.heldPayouts(as.susSupplier.address)).toBe(FACE);
    expect(await w.membership.formerOrganizationOf(as.removed.address)).toBe(orgId("supplierA"));
    for (const a of ["removed", "susSupplier", "susCore", "susBank", "susIssuer"] as const) expect(await w.membership.isActive(as[a].address), a).toBe(false);
    expect(await w.ledger.activeTimeSince(BigInt(s.maturity.M))).toBeGreaterThan(BigInt(DEFAULT_PARAMS.gracePeriod) + BigInt(DEFAULT_PARAMS.defaultPeriod));
  });

  for (const [name, , rows] of CONTRACTS) {
    describe(name, () => {
      for (const [fn, spec] of Object.entries(rows)) {
        it(fn, async () => {
          const failures: string[] = [];
          for (const kind of KINDS) {
            const outcome = spec.kinds[kind];
            if (!("error" in outcome)) continue;
            const account = kind === "suspended" ? spec.suspended : KIND_ACCOUNT[kind];
            const failure = await attempt(s, s.as[account], spec.call, outcome);
            if (failure) failures.push(`${kind} (${account}) ${spec.what}: ${failure}`);
          }
          for (const row of spec.rows ?? []) {
            const failure = await runRow(s, row);
            if (failure) failures.push(`${row.by}: ${row.what}: ${failure}`);
          }
          expect(failures.map((f) => withNames(s, f))).toEqual([]);
        });
      }
    });
  }

  it("leaves balances, certificates, liens, credit lines, held payouts, nonces, members and roles as they were", async () => {
    expect(await ledgerState(s)).toEqual(s.before);
  });
});

/** One hostile call: undefined if it reverted exactly as `want` says, else what happened. */
async function attempt(s: Scene, who: HardhatEthersSigner, call: Call, want: Refusal): Promise<string | undefined> {
  let got: { name: string; args: unknown[] };
  try {
    got = await revertOf(call(s, who));
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
  const expected = await Promise.all(want.args.map((a) => (a === SELF ? who.address : typeof a === "function" ? a(s) : a)));
  const same = got.name === want.error && got.args.length === expected.length && expected.every((a, i) => a === ANY || norm(a) === norm(got.args[i]));
  return same ? undefined : `expected ${show(want.error, expected)}, got ${show(got.name, got.args)}`;
}

async function runRow(s: Scene, row: Row): Promise<string | undefined> {
  const who = s.as[row.by];
  if (!row.prep && !row.harmless) return attempt(s, who, row.call, row.refused!);
  const snapshot = await takeSnapshot();
  try {
    await row.prep?.(s);
    if (row.refused) return await attempt(s, who, row.call, row.refused);
    await ((await row.call(s, who)) as { wait(): Promise<unknown> }).wait();
    await row.harmless!(s, who);
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  } finally {
    await snapshot.restore();
  }
}

const norm = (v: unknown): string => (typeof v === "string" ? v.toLowerCase() : typeof v === "number" ? String(BigInt(v)) : String(v));
const show = (name: string, args: unknown[]) => `${name}(${args.map((a) => (a === ANY ? "*" : String(a))).join(", ")})`;

/** Replaces the scene's addresses by their names in a failure message. */
function withNames(s: Scene, message: string) {
  let out = message;
  for (const a of ACCOUNTS) out = out.replace(new RegExp(s.as[a].address, "gi"), a);
  return out.replace(new RegExp(s.ledger, "gi"), "ledger");
}
