import type { DataSource } from "typeorm";

export interface HistoryResult {
  certificates: number;
  organizations: number;
  seconds: number;
  rows: Record<string, number>;
}

const CHUNK = 50_000;
const HIST_CORES = 12;
const HIST_SUPPLIERS = 400;
const HIST_BANKS = 6;

/**
 * The data of a platform that has been running a while, for the growth runs: `count` certificates
 * of other organizations (12 core enterprises, 400 suppliers, 6 banks) with everything their
 * lifecycles leave behind, loaded with bulk SQL straight into the tables (pushing that many
 * through the chain is not feasible here; the contracts' per-operation cost does not depend on
 * stored data: mappings). Per certificate: its invoice (verified, with evidence), the receivable,
 * 4 outbox rows (register, confirm, finance, settle) on batched ledger transactions (50 per
 * transaction), 6 chain events (registered, confirmed, financed, cleared, 2 token transfers), and
 * for the 80% that were financed a request, a quote, a financing, a registry filing and 2 token
 * movements; 90% are settled (with a clearing record), 10% still live and maturing after the run;
 * 2 audit rows. Ids, chain ids, operation ids and nonces sit far above what the run will use; the
 * sequences are moved past them. ANALYZE at the end, as autovacuum would.
 */
export async function loadHistory(ds: DataSource, count: number, log: (l: string) => void): Promise<HistoryResult> {
  const t0 = Date.now();
  log(`  loading ${count} certificates of history (bulk SQL)`);
  await ds.query(`
    INSERT INTO organizations (legal_name, uscc, roles, status, chain_org_id, key_custody, ledger_address, chain_status, kyc_approved_at)
    SELECT 'History ' || kind || ' ' || i, kind_code || lpad(i::text, 16, '0'), ARRAY[role], 'active',
           '0x' || md5('org' || kind || i) || md5('org2' || kind || i), 'custodial',
           '0x' || lpad(to_hex(base + i), 40, '0'), 'registered', now() - interval '400 days'
    FROM (VALUES ('core', 'HC', 'core_enterprise', ${HIST_CORES}, 1000000000), ('supplier', 'HS', 'supplier', ${HIST_SUPPLIERS}, 2000000000), ('bank', 'HB', 'bank', ${HIST_BANKS}, 3000000000))
         AS k(kind, kind_code, role, n, base), generate_series(1, k.n) AS i`);
  const [{ o: outboxBase }] = await ds.query(`SELECT COALESCE(max(id), 0) + 1000000 AS o FROM outbox`);
  const [{ l: opBase }] = await ds.query(`SELECT last_value + 1000000 AS l FROM ledger_operation_ids`);
  const [{ e: eventBase }] = await ds.query(`SELECT COALESCE(max(id), 0) + 1000000 AS e FROM chain_events`);
  const ob = Number(outboxBase);
  const lb = Number(opBase);
  const eb = Number(eventBase);
  const txPerKind = Math.ceil(count / 50);

  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    await ds.transaction(async (em) => {
      // one row per certificate with everything derived from i
      await em.query(
        `CREATE TEMP TABLE hist_orgs ON COMMIT DROP AS SELECT id, uscc, ledger_address, roles[1] AS role, row_number() OVER (PARTITION BY roles[1] ORDER BY uscc) AS n
         FROM organizations WHERE legal_name LIKE 'History %'`,
      );
      await em.query(
        `CREATE TEMP TABLE hist_c ON COMMIT DROP AS
         SELECT i,
                md5('rcv' || i)::uuid AS rid, md5('inv' || i)::uuid AS iid, md5('req' || i)::uuid AS qid, md5('quo' || i)::uuid AS quid, md5('fin' || i)::uuid AS fid,
                s.id AS sup, s.uscc AS sup_uscc, s.ledger_address AS sup_addr, c.id AS core, c.uscc AS core_uscc, c.ledger_address AS core_addr, b.id AS bank, b.ledger_address AS bank_addr,
                1000000000000 + i AS chain_id,
                5000000 + (i * 7919 % 195000) * 1000 AS amount,
                (i % 10 <> 0) AS settled, (i % 5 <> 1) AS financed,
                CASE WHEN i % 10 <> 0 THEN now() - ((i % 360) + 5) * interval '1 day' ELSE now() + (90 + i % 250) * interval '1 day' END AS maturity,
                now() - ((i % 360) + 40) * interval '1 day' AS created,
                '0x' || md5('key' || i) || md5('key2' || i) AS ikey,
                1000 + (i / 40) AS block
         FROM generate_series(${from}::bigint, ${to}::bigint) AS i
         JOIN hist_orgs s ON s.role = 'supplier' AND s.n = 1 + i % ${HIST_SUPPLIERS}
         JOIN hist_orgs c ON c.role = 'core_enterprise' AND c.n = 1 + (i / 7) % ${HIST_CORES}
         JOIN hist_orgs b ON b.role = 'bank' AND b.n = 1 + (i / 3) % ${HIST_BANKS}`
      );
      await em.query(
        `INSERT INTO invoices (id, organization_id, buyer_organization_id, invoice_number, seller_tax_id, buyer_tax_id, issue_date, amount, tax, total, currency, invoice_key, status, evidence, evidence_hash, verified_at, receivable_id, created_at, updated_at)
         SELECT iid, sup, core, '26HH2' || lpad(i::text, 15, '0'), sup_uscc, core_uscc, (created - interval '3 days')::date, amount, amount * 13 / 100, amount + amount * 13 / 100, 'CNY', ikey, 'verified',
                jsonb_build_array(jsonb_build_object('source', 'tax', 'result', 'ok', 'hash', md5('ev' || i)), jsonb_build_object('source', 'registry', 'result', 'clear', 'hash', md5('ev2' || i))),
                '0x' || md5('evh' || i) || md5('evh2' || i), created, rid, created, created
         FROM hist_c`,
      );
      // ledger transactions: one per 50 certificates per step
      await em.query(
        `INSERT INTO ledger_transactions (id, signer, nonce, to_address, data, raw_tx, tx_hash, status, block_number, created_at, updated_at)
         SELECT (${lb}) + k * (${txPerKind}) + t, '0x' || lpad(to_hex(4000000000 + k), 40, '0'), t, '0x' || lpad('e1', 40, '0'), '0x' || repeat('ab', 900), '0x' || repeat('cd', 1000),
                '0x' || md5('tx' || k || ':' || t) || md5('tx2' || k || ':' || t), 'mined', 1000 + t, now() - interval '30 days', now() - interval '30 days'
         FROM generate_series(0, 3) AS k, generate_series(((${from}) - 1) / 50, ((${to}) - 1) / 50) AS t
         ON CONFLICT (id) DO NOTHING`
      );
      await em.query(
        `INSERT INTO outbox (id, kind, batch_key, signer, payload, organization_id, aggregate_id, status, ledger_tx_id, attempts, created_at, updated_at) OVERRIDING SYSTEM VALUE
         SELECT (${ob}) + i * 4 + k, kind, kind || ':' || signer, signer, payload, org, rid::text, 'mined', (${lb}) + k * (${txPerKind}) + (i - 1) / 50, 1, created + k * interval '1 day', created + k * interval '1 day'
         FROM hist_c, LATERAL (VALUES
           (0, 'ledger.register', sup_addr, jsonb_build_object('items', jsonb_build_array(jsonb_build_object('counterparty', core_addr, 'amount', amount::text, 'maturity', extract(epoch FROM maturity)::bigint::text, 'invoicesRoot', ikey, 'invoiceKeys', jsonb_build_array(ikey)))), sup),
           (1, 'ledger.confirm', core_addr, jsonb_build_object('ids', jsonb_build_array(chain_id::text)), core),
           (2, 'ledger.finance', bank_addr, jsonb_build_object('terms', jsonb_build_object('receivableId', chain_id::text, 'bank', bank_addr), 'signature', '0x' || repeat('5a', 65)), bank),
           (3, 'ledger.settle', '0x' || lpad('f00d', 40, '0'), jsonb_build_object('ids', jsonb_build_array(chain_id::text)), NULL::uuid)
         ) AS x(k, kind, signer, payload, org)
         WHERE (k <> 2 OR financed) AND (k <> 3 OR settled)`
      );
      await em.query(
        `INSERT INTO receivables (id, chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, maturity, status, invoices_root, invoice_keys, operation_id,
                                  financing_bank_organization_id, due, repaid, paid_to_bank, paid_to_holder, settle_attempted_at, chain_block, created_at, updated_at)
         SELECT rid, chain_id, 'registered', core, sup, sup, amount + amount * 13 / 100, maturity,
                CASE WHEN settled THEN 'settled' WHEN financed THEN 'financed' ELSE 'confirmed' END,
                ikey, ARRAY[ikey], (${ob}) + i * 4 + CASE WHEN settled THEN 3 WHEN financed THEN 2 ELSE 1 END,
                CASE WHEN financed THEN bank END, CASE WHEN financed THEN amount END,
                CASE WHEN settled THEN amount + amount * 13 / 100 ELSE 0 END,
                CASE WHEN settled AND financed THEN amount ELSE 0 END,
                CASE WHEN settled THEN amount * 13 / 100 + CASE WHEN financed THEN 0 ELSE amount END ELSE 0 END,
                CASE WHEN settled THEN maturity END, block + 40, created, created
         FROM hist_c`
      );
      await em.query(
        `INSERT INTO financing_requests (id, receivable_id, supplier_organization_id, obligor_organization_id, status, accepted_quote_id, created_at, updated_at)
         SELECT qid, rid, sup, core, 'funded', quid, created, created FROM hist_c WHERE financed`,
      );
      await em.query(
        `INSERT INTO quotes (id, request_id, bank_organization_id, advance, annual_rate_bp, day_count, fee, days, interest, due, recourse, valid_until, status, created_at)
         SELECT quid, qid, bank, amount * 9 / 10, 400, 360, 0, 60, amount / 100, amount, false, created + interval '1 hour', 'accepted', created FROM hist_c WHERE financed`,
      );
      await em.query(
        `INSERT INTO financings (id, request_id, quote_id, receivable_id, bank_organization_id, supplier_organization_id, advance, due, recourse, terms, signature, status, registry_registration_id, operation_id, accepted_at, funded_at, updated_at)
         SELECT fid, qid, quid, rid, bank, sup, amount * 9 / 10, amount, false,
                jsonb_build_object('receivableId', chain_id::text, 'bank', bank_addr, 'advance', (amount * 9 / 10)::text, 'due', amount::text, 'recourse', false, 'agreement', '0x' || md5('agr' || i) || md5('agr2' || i), 'nonce', i::text, 'deadline', '1900000000'),
                '0x' || repeat('5a', 65), 'funded', md5('reg' || i), (${ob}) + i * 4 + 2, created + interval '2 days', created + interval '2 days', created + interval '2 days'
         FROM hist_c WHERE financed`
      );
      await em.query(
        `INSERT INTO registry_filings (invoice_key, kind, debtor_tax_id, creditor_tax_id, assignee, amount, reference, created_at)
         SELECT ikey, 'assignment', core_uscc, sup_uscc, 'History bank', amount, fid::text, created + interval '2 days' FROM hist_c WHERE financed`,
      );
      // chain events: 6 per certificate at ids eb + 6i + k
      await em.query(
        `INSERT INTO chain_events (id, block_number, block_hash, tx_hash, log_index, contract, name, args, created_at) OVERRIDING SYSTEM VALUE
         SELECT (${eb}) + i * 6 + k, block + k * 10, '0x' || md5('blk' || (block + k * 10)) || md5('blk2' || (block + k * 10)),
                '0x' || md5('tx' || k || ':' || ((i - 1) / 50)) || md5('tx2' || k || ':' || ((i - 1) / 50)), (i % 50) * 3 + k % 3, contract, name, args, created + k * interval '1 day'
         FROM hist_c, LATERAL (VALUES
           (0, 'ReceivableLedger', 'ReceivableRegistered', jsonb_build_object('id', chain_id::text, 'obligor', core_addr, 'creditor', sup_addr, 'amount', amount::text, 'maturity', extract(epoch FROM maturity)::bigint::text, 'invoicesRoot', ikey, 'invoiceKeys', jsonb_build_array(ikey), 'opId', i::text)),
           (1, 'ReceivableLedger', 'ReceivableConfirmed', jsonb_build_object('id', chain_id::text, 'obligor', core_addr, 'opId', i::text)),
           (2, 'ReceivableLedger', 'ReceivableFinanced', jsonb_build_object('id', chain_id::text, 'bank', bank_addr, 'seller', sup_addr, 'advance', (amount * 9 / 10)::text, 'due', amount::text, 'recourse', false, 'agreement', '0x' || md5('agr' || i) || md5('agr2' || i), 'nonce', i::text, 'opId', i::text)),
           (3, 'SettlementToken', 'Transfer', jsonb_build_object('from', bank_addr, 'to', sup_addr, 'value', (amount * 9 / 10)::text)),
           (4, 'ReceivableLedger', 'ReceivableCleared', jsonb_build_object('id', chain_id::text, 'bank', bank_addr, 'holder', sup_addr, 'toBank', amount::text, 'toHolder', (amount * 13 / 100)::text, 'outstanding', '0', 'status', '4', 'opId', i::text)),
           (5, 'SettlementToken', 'Transfer', jsonb_build_object('from', core_addr, 'to', bank_addr, 'value', amount::text))
         ) AS x(k, contract, name, args)
         WHERE (k < 2 OR financed) AND (k < 4 OR settled)`
      );
      await em.query(
        `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, to_bank, to_holder, outstanding, status, block_number, tx_hash, at)
         SELECT (${eb}) + i * 6 + 4, rid, 'cleared', amount, amount * 13 / 100, 0, 'settled', block + 40, '0x' || md5('tx4:' || ((i - 1) / 50)) || md5('tx24:' || ((i - 1) / 50)), maturity
         FROM hist_c WHERE settled AND financed`
      );
      await em.query(
        `INSERT INTO token_movements (chain_event_id, kind, from_address, to_address, amount, block_number, tx_hash, at)
         SELECT (${eb}) + i * 6 + k, 'transfer', CASE k WHEN 3 THEN bank_addr ELSE core_addr END, CASE k WHEN 3 THEN sup_addr ELSE bank_addr END, amount, block + k * 10,
                '0x' || md5('tx' || k || ':' || ((i - 1) / 50)) || md5('tx2' || k || ':' || ((i - 1) / 50)), created + k * interval '1 day'
         FROM hist_c, generate_series(3, 5, 2) AS k WHERE financed AND (k = 3 OR settled)`
      );
      await em.query(
        `INSERT INTO audit_log (at, request_id, organization_id, method, path, action, status, detail)
         SELECT created + k * interval '1 hour', md5('req' || i || k), CASE k WHEN 0 THEN sup ELSE core END, 'POST', CASE k WHEN 0 THEN '/v1/receivables' ELSE '/v1/receivables/confirmations' END,
                CASE k WHEN 0 THEN 'receivables.register' ELSE 'receivables.confirm' END, 202, jsonb_build_object('ids', jsonb_build_array(rid))
         FROM hist_c, generate_series(0, 1) AS k`,
      );
    });
    log(`    ${to} / ${count} (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  // the sequences continue after the loaded ids, as on a platform that wrote them
  await ds.query(`SELECT setval(pg_get_serial_sequence('outbox', 'id'), (SELECT max(id) FROM outbox))`);
  await ds.query(`SELECT setval(pg_get_serial_sequence('chain_events', 'id'), (SELECT max(id) FROM chain_events))`);
  await ds.query(`SELECT setval('ledger_operation_ids', (SELECT max(id) FROM ledger_transactions))`);
  await ds.query(`ANALYZE`);
  const rows: { t: string; n: string }[] = await ds.query(
    `SELECT relname AS t, n_live_tup::text AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND n_live_tup > 0 ORDER BY n_live_tup DESC`,
  );
  const seconds = (Date.now() - t0) / 1000;
  log(`  history loaded in ${Math.round(seconds)} s`);
  return { certificates: count, organizations: HIST_CORES + HIST_SUPPLIERS + HIST_BANKS, seconds, rows: Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])) };
}
