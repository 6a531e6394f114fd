/**
 * `npm run verify -- <file.pdf> [--api <platform URL>] [--rpc <ledger JSON-RPC URL>] [--json]`
 *
 * Checks a ChainFactor document (the bare PDF or its signed copy) without trusting the platform
 * for what matters:
 * - the file's fingerprint (SM3) and its signatures are computed and checked here;
 * - whether the fingerprint is on the ledger is asked of the ledger itself (eth_getLogs on the
 *   ledger address the document names: a certificate's or notice's DocumentRecorded, an agreement in
 *   its funding's ReceivableFinanced);
 * - signers' certificates are checked against the CA's certificate and revocations.
 * The platform is asked only what it issued (the document with these bytes, or the one the file
 * says it is, and the signatures a bare file does not carry) and for the CA's publication.
 * Exit code 0: valid; 3: nothing failed but a signature or the ledger record is still to come;
 * 1: invalid (each reason printed); 2: the check could not run.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { JsonRpcProvider, ZeroHash } from "ethers";
import { ReceivableLedger__factory } from "../typechain-types";
import { verifyFile, type KnownDocument, type LedgerRecord, type VerificationReport, type VerificationSource } from "../backend/src/modules/documents";

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The ledger's own records of a fingerprint: read from the chain, not from the platform. */
async function ledgerRecords(rpc: string, fingerprint: string, doc: KnownDocument): Promise<LedgerRecord[]> {
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  const network = await provider.getNetwork();
  if (Number(network.chainId) !== doc.chainId) throw new Error(`the ledger at ${rpc} is chain ${network.chainId}; the document belongs to chain ${doc.chainId}`);
  const ledger = ReceivableLedger__factory.connect(doc.ledger, provider);
  const records: LedgerRecord[] = [];
  if (doc.kind === "agreement") {
    for (const e of await ledger.queryFilter(ledger.filters.ReceivableFinanced(BigInt(doc.receivableId)), 0, "latest")) {
      if (e.args.agreement !== ZeroHash && e.args.agreement.toLowerCase() === fingerprint) {
        records.push({ transaction: e.transactionHash, block: String(e.blockNumber), receivableId: e.args.id.toString(), kind: "agreement", by: e.args.bank.toLowerCase() });
      }
    }
  } else {
    for (const e of await ledger.queryFilter(ledger.filters.DocumentRecorded(undefined, fingerprint), 0, "latest")) {
      records.push({ transaction: e.transactionHash, block: String(e.blockNumber), receivableId: e.args.id.toString(), kind: Number(e.args.kind) === 2 ? "notice" : "certificate", by: e.args.by.toLowerCase() });
    }
  }
  return records;
}

/** The platform tells what it issued of this file (and nothing of a document without its file). */
function cliSource(api: string, rpc: string, file: Buffer): VerificationSource {
  type Issued = { document: KnownDocument | null; claimed: Pick<KnownDocument, "kind" | "receivableId" | "fingerprint"> | null; signatures: [] };
  let asked: Promise<Issued> | null = null;
  const issued = () =>
    (asked ??= fetch(`${api}/v1/verify/issued`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: file.toString("base64") }) }).then(async (res) => {
      if (!res.ok) throw new Error(`${api}/v1/verify/issued: ${res.status} ${await res.text()}`);
      return (await res.json()) as Issued;
    }));
  const ca = getJson<{ certificate: string; revocations: { serial: string; revokedAt: string; reason: string }[] }>(`${api}/v1/signing/ca`);
  return {
    byFingerprint: async () => (await issued()).document,
    byInfo: async () => {
      const c = (await issued()).claimed;
      return c && { ...c, id: "", subject: "", chainId: 0, ledger: "", signers: [] };
    },
    records: (fingerprint, doc) => ledgerRecords(rpc, fingerprint, doc),
    signatures: async () => (await issued()).signatures,
    caRoot: async () => Buffer.from((await ca).certificate, "base64"),
    revocations: async () => (await ca).revocations.map((r) => ({ ...r, revokedAt: new Date(r.revokedAt) })),
  };
}

const KIND = { certificate: "应收账款电子凭证 certificate", notice: "应收账款转让通知书 notice of assignment", agreement: "融资协议 financing agreement" } as const;
const VERDICT = { valid: "有效 VALID", pending: "待完成 PENDING (nothing failed; a signature or the ledger record is still to come)", invalid: "无效 INVALID" } as const;

function print(file: string, r: VerificationReport): void {
  const out: string[] = [`${file}`, `  fingerprint (SM3): ${r.fingerprint}`];
  if (r.document) {
    out.push(`  document: ${KIND[r.document.kind]} of certificate ${r.document.receivableId} (${r.document.subject}), chain ${r.document.chainId}, ledger ${r.document.ledger}`);
    out.push(r.onLedger ? `  on the ledger: yes — ${r.ledger.map((l) => `transaction ${l.transaction}, block ${l.block}`).join("; ")}` : "  on the ledger: not yet");
  }
  for (const s of r.signatures) {
    const who = s.signer ? `${s.signer.name}, ${s.signer.organization} (USCC ${s.signer.uscc}), certificate ${s.signer.serial}` : "unreadable certificate";
    out.push(`  signature for "${s.act}" (${s.role}) by ${who} at ${s.signedAt}: signature ${s.signatureValid ? "valid" : "NOT valid"}, certificate ${s.certificateValid ? "valid when it signed" : "NOT valid when it signed"}`);
    for (const p of s.problems) out.push(`    ✗ ${p.code}: ${p.message}`);
  }
  for (const a of r.awaiting) out.push(`  awaiting: "${a.act}" by the ${a.role}, ${a.organization}`);
  for (const p of r.problems) out.push(`  ✗ ${p.code}: ${p.message}`);
  out.push(`  verdict: ${VERDICT[r.verdict]}`);
  console.log(out.join("\n"));
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { api: { type: "string", default: process.env.CHAINFACTOR_API ?? "http://localhost:3000" }, rpc: { type: "string", default: process.env.LEDGER_RPC_URL ?? "http://127.0.0.1:8545" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length !== 1) {
    console.error("usage: npm run verify -- <file.pdf> [--api http://localhost:3000] [--rpc http://127.0.0.1:8545] [--json]");
    return 2;
  }
  const file = readFileSync(positionals[0]);
  const report = await verifyFile(file, cliSource(values.api!.replace(/\/+$/, ""), values.rpc!, file));
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(positionals[0], report);
  return report.verdict === "valid" ? 0 : report.verdict === "pending" ? 3 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`verify: ${e.message}`);
    process.exit(2);
  },
);
