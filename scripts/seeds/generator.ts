import { withUsccCheck } from "../../backend/src/modules/onboarding/uscc";
import { invoiceKey } from "../../backend/src/ledger/invoice-key";
import { invoiceIdentity } from "../../backend/src/modules/invoices/identity";
import { uploadSamples } from "./invoice-files";
import type {
  SeedInvoice,
  SeedInvoices,
  SeedLogistics,
  SeedOrganization,
  SeedOrganizations,
  SeedRegistry,
  SeedTaxBureau,
} from "../../backend/src/modules/invoices/adapters/seed-files";

/**
 * The demo data, generated from a fixed seed so that every run writes the same files: two supply
 * chains modelled on the platforms ChainFactor mirrors (Chengdu–Chongqing automotive, Ganzhou
 * furniture), their banks and settlement issuer, the tax bureau's and the logistics provider's
 * records, the pledge registry's earlier filings, and the tier-1 suppliers' invoices to the core
 * enterprises, among them the frauds that verification must catch (each with the rejection code
 * it must produce in `expected`). Every name is fictional; every unified social credit code is
 * made up with the real GB 32100-2015 check character.
 */

export const SEED = 20_261_115;
/** The data describe the world as of this day; every date is on or before it. */
export const AS_OF = "2026-11-15";
const FIRST_ISSUE_DATE = "2026-04-01";
const LAST_ISSUE_DATE = "2026-11-05";

// ─── Deterministic randomness ───────────────────────────────────────

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const chance = (p: number) => next() < p;
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { next, int, pick, chance, shuffle };
}

const DAY = 86_400_000;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const minDate = (a: string, b: string) => (a < b ? a : b);
const pad = (n: number | bigint, width: number) => n.toString().padStart(width, "0");

// ─── Places, names, products ────────────────────────────────────────

interface Place {
  division: string;
  city: string;
  cityEn: string;
  /** Province part of invoice numbers and codes. */
  region: string;
}
const P = (division: string, city: string, cityEn: string, region: string): Place => ({ division, city, cityEn, region });

const CHONGQING = [
  P("500112", "重庆", "Chongqing", "50"), // 渝北区
  P("500105", "重庆", "Chongqing", "50"), // 江北区
  P("500106", "重庆", "Chongqing", "50"), // 沙坪坝区
  P("500113", "重庆", "Chongqing", "50"), // 巴南区
  P("500109", "重庆", "Chongqing", "50"), // 北碚区
  P("500151", "重庆", "Chongqing", "50"), // 铜梁区
];
const CHENGDU = [
  P("510116", "成都", "Chengdu", "51"), // 双流区
  P("510112", "成都", "Chengdu", "51"), // 龙泉驿区
  P("510114", "成都", "Chengdu", "51"), // 新都区
  P("511000", "内江", "Neijiang", "51"),
  P("510600", "德阳", "Deyang", "51"),
];
const GANZHOU = [
  P("360703", "赣州", "Ganzhou", "36"), // 南康区
  P("360702", "赣州", "Ganzhou", "36"), // 章贡区
  P("360704", "赣州", "Ganzhou", "36"), // 赣县区
  P("360722", "赣州", "Ganzhou", "36"), // 信丰县
  P("360731", "赣州", "Ganzhou", "36"), // 于都县
];

const BRANDS: [string, string][] = [
  ["恒达", "Hengda"], ["鑫源", "Xinyuan"], ["精诚", "Jingcheng"], ["瑞丰", "Ruifeng"], ["博远", "Boyuan"],
  ["华锐", "Huarui"], ["长鸿", "Changhong"], ["宏图", "Hongtu"], ["凯盛", "Kaisheng"], ["德润", "Derun"],
  ["锦程", "Jincheng"], ["天翼", "Tianyi"], ["正阳", "Zhengyang"], ["金桥", "Jinqiao"], ["永固", "Yonggu"],
  ["立信", "Lixin"], ["盛鼎", "Shengding"], ["明泰", "Mingtai"], ["东岳", "Dongyue"], ["汇川", "Huichuan"],
  ["巴渝", "Bayu"], ["蜀锦", "Shujin"], ["新航", "Xinhang"], ["中和", "Zhonghe"], ["安泰", "Antai"],
  ["同创", "Tongchuang"], ["远方", "Yuanfang"], ["嘉禾", "Jiahe"], ["昌盛", "Changsheng"], ["鼎新", "Dingxin"],
  ["协力", "Xieli"], ["富岭", "Fuling"], ["旭日", "Xuri"], ["聚源", "Juyuan"], ["森茂", "Senmao"],
  ["章江", "Zhangjiang"], ["贡水", "Gongshui"], ["梅林", "Meilin"], ["赣江", "Ganjiang"], ["南山", "Nanshan"],
  ["云杉", "Yunshan"], ["松柏", "Songbai"], ["橙乡", "Chengxiang"], ["百福", "Baifu"], ["金匠", "Jinjiang"],
  ["良木", "Liangmu"], ["匠心", "Jiangxin"], ["宜居", "Yiju"], ["和美", "Hemei"], ["舒雅", "Shuya"],
];

interface Product {
  zh: string;
  en: string;
  slug: string;
}
const PR = (zh: string, en: string, slug: string): Product => ({ zh, en, slug });

const AUTO_T1_CAR = [
  PR("汽车座椅", "Automotive Seating", "seating"), PR("车灯", "Automotive Lighting", "lighting"), PR("制动系统", "Braking Systems", "braking"),
  PR("汽车线束", "Wiring Harness", "harness"), PR("变速器", "Transmission", "transmission"), PR("底盘部件", "Chassis Components", "chassis"),
  PR("汽车内饰", "Interior Trim", "interior"), PR("汽车电子", "Automotive Electronics", "electronics"),
];
const AUTO_T1_BATTERY = [
  PR("电池材料", "Battery Materials", "materials"), PR("电池结构件", "Battery Structural Parts", "structures"),
  PR("电池管理系统", "Battery Management Systems", "bms"), PR("热管理系统", "Thermal Management", "thermal"),
];
const AUTO_T2 = [
  PR("精密冲压", "Precision Stamping", "stamping"), PR("注塑", "Injection Moulding", "moulding"), PR("铝合金压铸", "Aluminium Die Casting", "diecasting"),
  PR("橡胶制品", "Rubber Products", "rubber"), PR("电子元器件", "Electronic Components", "components"), PR("铜箔", "Copper Foil", "copperfoil"),
  PR("隔膜", "Separator Film", "separator"), PR("机械加工", "Machining", "machining"),
];
const AUTO_T3 = [
  PR("钢材加工", "Steel Processing", "steel"), PR("模具", "Tooling and Moulds", "tooling"), PR("紧固件", "Fasteners", "fasteners"),
  PR("化工原料", "Chemical Materials", "chemicals"), PR("包装材料", "Packaging Materials", "packaging"), PR("五金", "Hardware", "hardware"),
];
const FURN_T1 = [
  PR("实木家具", "Solid Wood Furniture", "solidwood"), PR("软体家具", "Upholstered Furniture", "upholstered"), PR("板式家具", "Panel Furniture", "panel"),
  PR("定制橱柜", "Custom Cabinetry", "cabinetry"), PR("办公家具", "Office Furniture", "office"), PR("床垫", "Mattresses", "mattress"),
  PR("儿童家具", "Children's Furniture", "kids"),
];
const FURN_T2 = [
  PR("人造板", "Wood-based Panels", "panels"), PR("海绵", "Foam", "foam"), PR("家具五金", "Furniture Hardware", "furnhardware"),
  PR("涂料", "Coatings", "coatings"), PR("布艺面料", "Upholstery Fabrics", "fabrics"), PR("家具玻璃", "Furniture Glass", "glass"),
];
const FURN_T3 = [PR("林木", "Timber", "timber"), PR("胶粘剂", "Adhesives", "adhesives"), PR("包装", "Packaging", "packing"), PR("木材干燥", "Timber Drying", "kiln")];

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "钟", "邓"];
const SURNAMES_EN = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Luo", "Zhong", "Deng"];
const GIVEN: [string, string][] = [
  ["伟", "Wei"], ["芳", "Fang"], ["娜", "Na"], ["敏", "Min"], ["静", "Jing"], ["磊", "Lei"], ["洋", "Yang"], ["艳", "Yan"],
  ["勇", "Yong"], ["军", "Jun"], ["杰", "Jie"], ["娟", "Juan"], ["涛", "Tao"], ["明", "Ming"], ["超", "Chao"], ["霞", "Xia"],
];

const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

export const SCENARIOS = [
  {
    id: "cq-auto",
    name: "成渝汽车产业链",
    englishName: "Chengdu–Chongqing automotive chain",
    description: "An automaker in Chongqing and a power-battery group in Chengdu, their tier-1 parts makers and the tier-2 and tier-3 firms behind them.",
  },
  {
    id: "gz-furniture",
    name: "赣州家具产业链",
    englishName: "Ganzhou furniture chain",
    description: "A Nankang furniture group, the workshops that make its furniture and the panel, foam, hardware and timber suppliers behind them.",
  },
] as const;

/** Fraud cases: label, expected rejection code, how many. */
export const FRAUD_CASES = [
  { fraud: "voided", expected: "INVOICE.VOIDED", count: 8 },
  { fraud: "red-lettered", expected: "INVOICE.RED_LETTERED", count: 6 },
  { fraud: "already pledged", expected: "INVOICE.ALREADY_PLEDGED", count: 8 },
  { fraud: "duplicated across suppliers", expected: "INVOICE.DUPLICATE_ACROSS_SUPPLIERS", count: 5 },
  { fraud: "amount mismatch", expected: "INVOICE.AMOUNT_MISMATCH", count: 8 },
  { fraud: "fake buyer tax id", expected: "INVOICE.BUYER_UNKNOWN_AT_TAX_BUREAU", count: 4 },
  { fraud: "fake seller tax id", expected: "INVOICE.SELLER_UNKNOWN_AT_TAX_BUREAU", count: 4 },
  { fraud: "not at the tax bureau", expected: "INVOICE.NOT_FOUND_AT_TAX_BUREAU", count: 4 },
  { fraud: "party mismatch", expected: "INVOICE.PARTY_MISMATCH", count: 3 },
  { fraud: "issue date mismatch", expected: "INVOICE.ISSUE_DATE_MISMATCH", count: 2 },
  { fraud: "waybill not found", expected: "INVOICE.WAYBILL_NOT_FOUND", count: 3 },
  { fraud: "waybill mismatch", expected: "INVOICE.WAYBILL_MISMATCH", count: 3 },
  { fraud: "waybill not delivered", expected: "INVOICE.WAYBILL_NOT_DELIVERED", count: 2 },
] as const;

export interface GeneratedSeeds {
  "organizations.json": SeedOrganizations;
  "invoices.json": SeedInvoices;
  "tax-bureau.json": SeedTaxBureau;
  "logistics.json": SeedLogistics;
  "registry.json": SeedRegistry;
}

export function generateSeeds(): GeneratedSeeds {
  const r = prng(SEED);
  const usedCodes = new Set<string>();
  /** A fresh valid code: 9 (registered with SAMR) 1 (enterprise), division, "MA" + 7 characters, check character. */
  const uscc = (division: string, type = "1") => {
    for (;;) {
      const body = `9${type}${division}MA${Array.from({ length: 7 }, () => r.pick([...USCC_ALPHABET])).join("")}`;
      const code = withUsccCheck(body);
      if (!usedCodes.has(code)) {
        usedCodes.add(code);
        return code;
      }
    }
  };
  const usedBrands = new Set<string>();
  const brand = () => {
    const free = BRANDS.filter(([zh]) => !usedBrands.has(zh));
    const b = r.pick(free.length ? free : BRANDS);
    usedBrands.add(b[0]);
    return b;
  };
  const usedSlugs = new Set<string>();
  const contact = (slug: string, cityEn: string) => {
    let s = slug;
    for (let i = 2; usedSlugs.has(s); i++) s = `${slug}${i}`;
    usedSlugs.add(s);
    const i = r.int(0, SURNAMES.length - 1);
    const [g, gEn] = r.pick(GIVEN);
    const area = cityEn === "Chongqing" ? "23" : cityEn === "Ganzhou" ? "797" : "28";
    return { name: `${SURNAMES[i]}${g} (${SURNAMES_EN[i]} ${gEn})`, email: `finance@${s}.example`, phone: `+86 ${area} ${r.int(6000, 8999)} ${pad(r.int(0, 9999), 4)}` };
  };

  const orgs: SeedOrganization[] = [];
  const org = (o: Omit<SeedOrganization, "contact">, slug: string): SeedOrganization => {
    const full = { ...o, contact: contact(slug, o.city === "重庆" ? "Chongqing" : o.city === "赣州" ? "Ganzhou" : "Chengdu") };
    orgs.push(full);
    return full;
  };

  // ─── Core enterprises ───
  const automaker = org(
    { legalName: "渝川汽车集团股份有限公司", englishName: "Yuchuan Automobile Group Co., Ltd.", uscc: uscc("500112"), roles: ["core_enterprise"], scenario: "cq-auto", tier: 0, city: "重庆", customers: [] },
    "yuchuan-auto",
  );
  const battery = org(
    { legalName: "蜀能动力电池科技有限公司", englishName: "Shuneng Power Battery Technology Co., Ltd.", uscc: uscc("510112"), roles: ["core_enterprise"], scenario: "cq-auto", tier: 0, city: "成都", customers: [] },
    "shuneng-battery",
  );
  const furnitureGroup = org(
    { legalName: "南康木匠家居集团有限公司", englishName: "Nankang Carpenter Home Furnishing Group Co., Ltd.", uscc: uscc("360703"), roles: ["core_enterprise"], scenario: "gz-furniture", tier: 0, city: "赣州", customers: [] },
    "nankang-carpenter",
  );

  // ─── Suppliers ───
  const supplier = (scenario: string, tier: 1 | 2 | 3, places: Place[], product: Product, customers: string[], note?: string, code?: string) => {
    const place = r.pick(places);
    const [zh, en] = brand();
    return org(
      {
        legalName: `${place.city}${zh}${product.zh}有限公司`,
        englishName: `${place.cityEn} ${en} ${product.en} Co., Ltd.`,
        uscc: code ?? uscc(place.division),
        roles: ["supplier"],
        scenario,
        tier,
        city: place.city,
        customers,
        ...(note ? { note } : {}),
      },
      `${en.toLowerCase()}-${product.slug}`,
    );
  };
  const cqPlaces = [...CHONGQING, ...CHENGDU];
  const autoT1: SeedOrganization[] = [];
  for (const p of AUTO_T1_CAR) autoT1.push(supplier("cq-auto", 1, cqPlaces, p, r.chance(0.25) ? [automaker.uscc, battery.uscc] : [automaker.uscc]));
  for (const p of AUTO_T1_BATTERY) autoT1.push(supplier("cq-auto", 1, cqPlaces, p, r.chance(0.25) ? [battery.uscc, automaker.uscc] : [battery.uscc]));
  // a shell company: onboarded, but its code is unknown to the tax bureau (fake trade)
  const shellPlace = CHONGQING[0];
  const shell = supplier(
    "cq-auto",
    1,
    [shellPlace],
    PR("汽车配件贸易", "Auto Parts Trading", "trading"),
    [automaker.uscc],
    "shell company: its unified social credit code is well-formed but unknown to the tax bureau, so all its invoices are fake",
    uscc(shellPlace.division),
  );
  const autoT2 = AUTO_T2.concat(AUTO_T2.slice(0, 2)).map((p) => supplier("cq-auto", 2, cqPlaces, p, r.shuffle(autoT1.map((o) => o.uscc)).slice(0, r.int(1, 2))));
  for (const p of AUTO_T3) supplier("cq-auto", 3, cqPlaces, p, r.shuffle(autoT2.map((o) => o.uscc)).slice(0, r.int(1, 2)));
  const furnT1 = FURN_T1.map((p) => supplier("gz-furniture", 1, GANZHOU, p, [furnitureGroup.uscc]));
  const furnT2 = FURN_T2.map((p) => supplier("gz-furniture", 2, GANZHOU, p, r.shuffle(furnT1.map((o) => o.uscc)).slice(0, r.int(1, 2))));
  for (const p of FURN_T3) supplier("gz-furniture", 3, GANZHOU, p, r.shuffle(furnT2.map((o) => o.uscc)).slice(0, r.int(1, 2)));

  // ─── Banks and the settlement issuer (every scenario) ───
  org({ legalName: "蓉城银行股份有限公司", englishName: "Rongcheng Bank Co., Ltd.", uscc: uscc("510104", "1"), roles: ["bank"], scenario: null, tier: null, city: "成都", customers: [] }, "rongcheng-bank");
  org({ legalName: "渝州商业银行股份有限公司", englishName: "Yuzhou Commercial Bank Co., Ltd.", uscc: uscc("500103", "1"), roles: ["bank"], scenario: null, tier: null, city: "重庆", customers: [] }, "yuzhou-bank");
  org(
    { legalName: "赣南农村商业银行股份有限公司", englishName: "Gannan Rural Commercial Bank Co., Ltd.", uscc: uscc("360702", "1"), roles: ["bank"], scenario: null, tier: null, city: "赣州", customers: [] },
    "gannan-rcb",
  );
  org(
    { legalName: "西部数字清算服务有限公司", englishName: "Western Digital Clearing Services Co., Ltd.", uscc: uscc("500103"), roles: ["settlement_issuer"], scenario: null, tier: null, city: "重庆", customers: [] },
    "western-clearing",
  );

  // ─── Outside the platform: factoring firms that hold earlier pledges, carriers ───
  const factors = [
    { name: "成都天府商业保理有限公司 (Chengdu Tianfu Commercial Factoring Co., Ltd.)", uscc: uscc("510104") },
    { name: "重庆两江供应链保理有限公司 (Chongqing Liangjiang Supply Chain Factoring Co., Ltd.)", uscc: uscc("500112") },
    { name: "赣州融通小额贷款有限公司 (Ganzhou Rongtong Microcredit Co., Ltd.)", uscc: uscc("360702") },
  ];
  const carriers = [
    { code: "CYLG", name: "川渝陆港物流有限公司", englishName: "Chuanyu Inland Port Logistics Co., Ltd." },
    { code: "XBYS", name: "西部快运股份有限公司", englishName: "Western Express Freight Co., Ltd." },
    { code: "GNJJ", name: "赣南家居物流有限公司", englishName: "Gannan Home Logistics Co., Ltd." },
  ];

  // ─── Invoices from tier-1 suppliers to the cores ───
  interface Draft {
    entry: SeedInvoice;
    record: SeedTaxBureau["invoices"][number] | null;
    waybills: SeedLogistics["waybills"];
  }
  const drafts: Draft[] = [];
  const placeOf = (o: SeedOrganization) => [...CHONGQING, ...CHENGDU, ...GANZHOU].find((p) => p.division === o.uscc.slice(2, 8))!;
  const span = (Date.parse(`${LAST_ISSUE_DATE}T00:00:00Z`) - Date.parse(`${FIRST_ISSUE_DATE}T00:00:00Z`)) / DAY;
  let serial = 0;
  const tier1 = [...autoT1, shell, ...furnT1];
  tier1.forEach((seller, sellerIndex) => {
    const auto = seller.scenario === "cq-auto";
    const n = seller === shell ? 4 : auto ? r.int(30, 38) : r.int(24, 30);
    const place = placeOf(seller);
    const dates = Array.from({ length: n }, () => addDays(FIRST_ISSUE_DATE, r.int(0, span))).sort();
    const traditional = r.chance(0.3); // this supplier still issues some older-style invoices
    const code = `${place.region}${place.region === "36" ? "00" : "01"}26${pad(r.int(100, 999), 3)}${r.pick(["0", "1"])}`;
    let paperNumber = r.int(100, 900) * 10_000;
    for (const issueDate of dates) {
      serial += r.int(1, 40);
      const buyer = r.pick(seller.customers);
      const fen = BigInt(auto ? r.int(5_000_000, 250_000_000) : r.int(1_000_000, 60_000_000));
      const tax = (fen * 13n + 50n) / 100n;
      const withCode = traditional && r.chance(0.4);
      const invoiceNumber = withCode ? pad(++paperNumber, 8) : `${issueDate.slice(2, 4)}${place.region}2${pad(sellerIndex + 1, 3)}${pad(serial, 12)}`;
      const carrier = auto ? r.pick(carriers.slice(0, 2)) : carriers[2];
      const waybillCount = r.chance(0.15) ? 0 : r.chance(0.18) ? 2 : 1;
      const waybills: SeedLogistics["waybills"] = [];
      for (let w = 0; w < waybillCount; w++) {
        const shippedOn = addDays(issueDate, -r.int(0, 10));
        const deliveredOn = minDate(addDays(shippedOn, r.int(1, 3)), AS_OF);
        waybills.push({
          waybillNumber: `${carrier.code}${shippedOn.replace(/-/g, "")}${pad(drafts.length * 2 + w, 5)}`,
          carrier: carrier.code,
          shipperTaxId: seller.uscc,
          consigneeTaxId: buyer,
          origin: seller.city,
          destination: orgs.find((o) => o.uscc === buyer)!.city,
          shippedOn,
          deliveredOn,
          status: "delivered",
        });
      }
      const invoice: SeedInvoice["invoice"] = {
        ...(withCode ? { invoiceCode: code } : {}),
        invoiceNumber,
        sellerTaxId: seller.uscc,
        buyerTaxId: buyer,
        issueDate,
        amount: fen.toString(),
        tax: tax.toString(),
        total: (fen + tax).toString(),
        currency: "CNY",
        ...(waybills.length ? { waybillNumbers: waybills.map((w) => w.waybillNumber) } : {}),
      };
      drafts.push({
        entry: { scenario: seller.scenario!, supplier: seller.uscc, invoice },
        record: { invoiceCode: withCode ? code : null, invoiceNumber, sellerTaxId: seller.uscc, buyerTaxId: buyer, issueDate, amount: invoice.amount, tax: invoice.tax, total: invoice.total, currency: "CNY", status: "normal", statusDate: null },
        waybills,
      });
    }
  });

  // ─── The frauds ───
  const filings: SeedRegistry["filings"] = [];
  const extra: Draft[] = [];
  const mark = (d: Draft, c: (typeof FRAUD_CASES)[number], note: string) => {
    d.entry.expected = c.expected;
    d.entry.fraud = c.fraud;
    d.entry.note = note;
  };
  const byCase = new Map(FRAUD_CASES.map((c) => [c.fraud, c]));
  for (const d of drafts.filter((d) => d.entry.supplier === shell.uscc)) {
    d.record = null;
    mark(d, byCase.get("fake seller tax id")!, "issued by a shell company whose tax id the tax bureau does not know");
  }
  // candidates alternate between the two chains so each has every kind of fraud it can have
  const autoPool = r.shuffle(drafts.filter((d) => d.entry.scenario === "cq-auto" && d.entry.supplier !== shell.uscc));
  const furnPool = r.shuffle(drafts.filter((d) => d.entry.scenario === "gz-furniture"));
  const pool: Draft[] = [];
  while (autoPool.length || furnPool.length) {
    if (autoPool.length) pool.push(autoPool.shift()!);
    if (autoPool.length) pool.push(autoPool.shift()!);
    if (furnPool.length) pool.push(furnPool.shift()!);
  }
  const take = (pred: (d: Draft) => boolean = () => true) => {
    const i = pool.findIndex(pred);
    if (i < 0) throw new Error("seed generator: ran out of candidate invoices");
    return pool.splice(i, 1)[0];
  };
  const cores = [automaker, battery, furnitureGroup];
  for (const c of FRAUD_CASES) {
    for (let k = 0; k < (c.fraud === "fake seller tax id" ? 0 : c.count); k++) {
      switch (c.fraud) {
        case "voided": {
          const d = take();
          d.record!.status = "voided";
          d.record!.statusDate = minDate(addDays(d.entry.invoice.issueDate, r.int(1, 20)), AS_OF);
          mark(d, c, `voided (作废) at the tax bureau on ${d.record!.statusDate}`);
          break;
        }
        case "red-lettered": {
          const d = take();
          d.record!.status = "red_lettered";
          d.record!.statusDate = minDate(addDays(d.entry.invoice.issueDate, r.int(3, 40)), AS_OF);
          mark(d, c, `reversed by a red-letter invoice (红冲) on ${d.record!.statusDate}`);
          break;
        }
        case "already pledged": {
          const d = take();
          const inv = d.entry.invoice;
          const factor = d.entry.scenario === "gz-furniture" ? factors[2] : r.pick(factors.slice(0, 2));
          const filedOn = minDate(addDays(inv.issueDate, r.int(2, 30)), AS_OF);
          const identity = invoiceIdentity(inv.invoiceCode, inv.invoiceNumber);
          filings.push({
            invoiceKey: invoiceKey(inv.sellerTaxId, identity),
            invoice: { sellerTaxId: inv.sellerTaxId, invoiceNumber: identity },
            kind: r.chance(0.6) ? "pledge" : "assignment",
            debtorTaxId: inv.buyerTaxId,
            creditorTaxId: inv.sellerTaxId,
            assignee: factor.name,
            amount: inv.total,
            reference: `${filedOn.replace(/-/g, "")}${pad(r.int(0, 99_999_999), 8)}${pad(filings.length, 4)}`,
            filedOn,
          });
          mark(d, c, `already pledged or assigned at the registry (中登网) to ${factor.name}`);
          break;
        }
        case "duplicated across suppliers": {
          const original = take((d) => !d.entry.invoice.invoiceCode);
          const seller = tier1.find((o) => o !== shell && o.uscc !== original.entry.supplier && o.customers.includes(original.entry.invoice.buyerTaxId))!;
          const copy: Draft = {
            entry: {
              scenario: original.entry.scenario,
              supplier: seller.uscc,
              duplicateOf: { supplier: original.entry.supplier, invoiceNumber: original.entry.invoice.invoiceNumber },
              invoice: { ...original.entry.invoice, sellerTaxId: seller.uscc },
            },
            record: null,
            waybills: [],
          };
          mark(copy, c, "a copy of another supplier's genuine invoice, submitted as its own (submit the original first)");
          extra.push(copy);
          break;
        }
        case "amount mismatch": {
          const d = take();
          const inv = d.entry.invoice;
          const amount = (BigInt(inv.amount) * BigInt(r.int(115, 180))) / 100n;
          const tax = (amount * 13n + 50n) / 100n;
          inv.amount = amount.toString();
          inv.tax = tax.toString();
          inv.total = (amount + tax).toString();
          mark(d, c, `inflated: the tax bureau records a total of ${d.record!.total} fen, ${inv.total} submitted`);
          break;
        }
        case "fake buyer tax id": {
          const d = take();
          d.entry.invoice.buyerTaxId = uscc(placeOf(orgs.find((o) => o.uscc === d.entry.supplier)!).division);
          delete d.entry.invoice.waybillNumbers;
          d.waybills = [];
          d.record = null;
          mark(d, c, "billed to a buyer tax id that is well-formed but unknown to the tax bureau");
          break;
        }
        case "not at the tax bureau": {
          const d = take();
          d.record = null;
          mark(d, c, "no such invoice at the tax bureau (fabricated number)");
          break;
        }
        case "party mismatch": {
          const d = take();
          d.record!.buyerTaxId = cores.find((o) => o.uscc !== d.entry.invoice.buyerTaxId)!.uscc;
          mark(d, c, "the tax bureau has this invoice issued to another buyer");
          break;
        }
        case "issue date mismatch": {
          const d = take((x) => x.entry.invoice.issueDate > addDays(FIRST_ISSUE_DATE, 20));
          d.record!.issueDate = addDays(d.entry.invoice.issueDate, -r.int(3, 15));
          for (const w of d.waybills) w.shippedOn = minDate(w.shippedOn, d.record!.issueDate);
          mark(d, c, `the tax bureau has it issued on ${d.record!.issueDate}`);
          break;
        }
        case "waybill not found": {
          const d = take((x) => x.waybills.length > 0);
          d.waybills.pop();
          mark(d, c, "names a waybill the logistics provider has no record of");
          break;
        }
        case "waybill mismatch": {
          const d = take((x) => x.waybills.length > 0);
          const w = d.waybills[d.waybills.length - 1];
          if (k % 2 === 0) {
            w.consigneeTaxId = cores.find((o) => o.uscc !== d.entry.invoice.buyerTaxId)!.uscc;
            w.destination = orgs.find((o) => o.uscc === w.consigneeTaxId)!.city;
            mark(d, c, "its waybill delivered the goods to another company");
          } else {
            w.shippedOn = addDays(d.entry.invoice.issueDate, -r.int(60, 90));
            w.deliveredOn = addDays(w.shippedOn, 2);
            mark(d, c, "its waybill was shipped months before the invoice (reused from an earlier sale)");
          }
          break;
        }
        case "waybill not delivered": {
          const d = take((x) => x.waybills.length > 0);
          const w = d.waybills[d.waybills.length - 1];
          w.status = "in_transit";
          w.deliveredOn = null;
          mark(d, c, "its waybill is still in transit");
          break;
        }
      }
    }
  }
  // registry noise: filings for invoices that never come to the platform
  for (let i = 0; i < 12; i++) {
    const seller = r.pick(tier1.filter((o) => o !== shell));
    const filedOn = addDays(FIRST_ISSUE_DATE, r.int(0, span));
    const number = `${filedOn.slice(2, 4)}${placeOf(seller).region}2999${pad(r.int(0, 999_999_999), 12)}`;
    filings.push({
      invoiceKey: invoiceKey(seller.uscc, number),
      invoice: { sellerTaxId: seller.uscc, invoiceNumber: number },
      kind: r.chance(0.5) ? "pledge" : "assignment",
      debtorTaxId: r.pick(seller.customers),
      creditorTaxId: seller.uscc,
      assignee: r.pick(factors).name,
      amount: pad(r.int(1_000_000, 90_000_000), 1),
      reference: `${filedOn.replace(/-/g, "")}${pad(r.int(0, 99_999_999), 8)}${pad(filings.length, 4)}`,
      filedOn,
    });
  }
  filings.sort((a, b) => (a.filedOn === b.filedOn ? a.reference.localeCompare(b.reference) : a.filedOn.localeCompare(b.filedOn)));

  // ─── The files ───
  const all = [...drafts, ...extra];
  const known = orgs.filter((o) => o !== shell);
  const taxpayers = [
    ...known.map((o) => ({ taxId: o.uscc, name: o.legalName, status: "normal" as const })),
    ...factors.map((f) => ({ taxId: f.uscc, name: f.name.replace(/ \(.*\)$/, ""), status: "normal" as const })),
  ].sort((a, b) => a.taxId.localeCompare(b.taxId));
  return {
    "organizations.json": { asOf: AS_OF, scenarios: SCENARIOS.map((s) => ({ ...s })), organizations: orgs },
    "invoices.json": { invoices: all.map((d) => d.entry) },
    "tax-bureau.json": {
      taxpayers,
      // and the invoices of the files a demo supplier can upload (seeds/invoice-files/), never submitted by the seeds
      invoices: [...all.flatMap((d) => (d.record ? [d.record] : [])), ...uploadSamples(orgs, all.map((d) => d.entry)).samples.map((u) => u.record)].sort((a, b) => (a.issueDate === b.issueDate ? a.invoiceNumber.localeCompare(b.invoiceNumber) : a.issueDate.localeCompare(b.issueDate))),
    },
    "logistics.json": { carriers, waybills: all.flatMap((d) => d.waybills).sort((a, b) => a.waybillNumber.localeCompare(b.waybillNumber)) },
    "registry.json": { filings },
  };
}

/** Counts for people: organizations by scenario and tier, invoices by expected outcome. */
export function summarize(s: GeneratedSeeds) {
  const orgs = s["organizations.json"].organizations;
  const invoices = s["invoices.json"].invoices;
  const count = <T>(xs: T[], key: (x: T) => string) => xs.reduce<Record<string, number>>((m, x) => ((m[key(x)] = (m[key(x)] ?? 0) + 1), m), {});
  return {
    organizations: count(orgs, (o) => `${o.scenario ?? "shared"} ${o.tier === null ? o.roles.join("+") : o.tier === 0 ? "core" : `tier-${o.tier}`}`),
    invoices: count(invoices, (i) => `${i.scenario} ${i.expected ?? "verified"}`),
    totals: {
      organizations: orgs.length,
      suppliers: orgs.filter((o) => o.roles.includes("supplier")).length,
      invoices: invoices.length,
      fraud: invoices.filter((i) => i.expected).length,
      taxRecords: s["tax-bureau.json"].invoices.length,
      waybills: s["logistics.json"].waybills.length,
      registryFilings: s["registry.json"].filings.length,
    },
  };
}
