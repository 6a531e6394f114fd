/**
 * Amounts as a document prints them, from integer fen by integer arithmetic only: figures
 * ("¥1,234,567.89") and 人民币大写 (the capital numerals of the 支付结算办法's rules for filling in
 * bills and settlement vouchers), which is what a bank reads when the two disagree.
 */

/** fen → "¥1,234,567.89" (a minus sign before the ¥ for a negative amount). */
export function formatFen(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}¥${yuan}.${cents}`;
}

/** basis points → "12.34%": two decimals exactly, no rounding needed. */
export function formatBp(bp: number): string {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`basis points must be an integer, got ${bp}`);
  const abs = Math.abs(bp);
  return `${bp < 0 ? "-" : ""}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}%`;
}

const DIGITS = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const PLACES = ["", "拾", "佰", "仟"];
const GROUPS = ["", "万", "亿", "万亿"];
/** 万亿 (10^16 fen = 10^14 yuan…) is the largest group named; larger sums are not amounts of trade. */
const LIMIT = 10n ** 16n * 100n;

/**
 * fen → 人民币大写, e.g. 1234567n → "壹万贰仟叁佰肆拾伍元陆角柒分".
 *
 * The rules followed: 壹拾 keeps its 壹; zeros between non-zero digits (across 万 and 亿 too) are
 * one 零 (1,000,100.00 → 壹佰万零壹佰元整); a 万 or 亿 group that is all zeros is not named
 * (100,000,000.00 → 壹亿元整); 整 follows 元 or 角 when there are no 分 (10n → 壹角整, so nothing
 * can be written after it); when 角 is zero and 分 is not, 零 stands for the 角 (10000101n →
 * 壹拾万零壹元零壹分); when the yuan end in zeros and 角 is not zero, no 零 is written after 元
 * (the rules allow either, and leaving it out is the shorter). Zero is 零元整; less than a yuan
 * starts at 角 or 分 (5n → 伍分). Negative amounts and amounts from 10^16 yuan up are refused.
 */
export function amountInWords(fen: bigint): string {
  if (fen < 0n) throw new RangeError("an amount in words cannot be negative");
  if (fen >= LIMIT) throw new RangeError("amount too large to write in words");
  const yuan = fen / 100n;
  const jiao = Number((fen / 10n) % 10n);
  const fenDigit = Number(fen % 10n);
  if (fen === 0n) return "零元整";

  let out = yuan > 0n ? `${integerInWords(yuan)}元` : "";
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (fenDigit > 0 && yuan > 0n) out += "零";
  out += fenDigit > 0 ? `${DIGITS[fenDigit]}分` : "整";
  return out;
}

function integerInWords(n: bigint): string {
  const digits = n.toString();
  let out = "";
  let zeroPending = false;
  let groupHasDigit = false;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    const position = digits.length - 1 - i; // 0 = units
    if (d === 0) {
      zeroPending = out !== "";
    } else {
      if (zeroPending) out += "零";
      out += DIGITS[d] + PLACES[position % 4];
      zeroPending = false;
      groupHasDigit = true;
    }
    if (position % 4 === 0) {
      if (groupHasDigit) out += GROUPS[position / 4];
      groupHasDigit = false;
    }
  }
  return out;
}
