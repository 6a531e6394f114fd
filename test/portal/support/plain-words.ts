/**
 * Crypto vocabulary a person must not read in the portal (issue 18, item 7): the list
 * plain-words.test.ts holds the catalogues and pages to, and browser tests hold a page's text to.
 */

/** Crypto vocabulary, by language (each a pattern a person would recognize as the word). */
export const FORBIDDEN: Record<"zh" | "en", { word: string; re: RegExp }[]> = {
  zh: ["链上", "上链", "区块", "哈希", "交易哈希", "代币", "通证", "销毁", "铸造", "铸币", "钱包", "智能合约", "燃料费", "账户地址", "链上地址", "钱包地址"]
    .map((word) => ({ word, re: new RegExp(word) }))
    .concat([
      { word: "NFT", re: /NFT/i },
      { word: "ERC-721 / ERC-20", re: /ERC-?\d+/i },
      { word: "0x… (a hex value)", re: /0x/i },
      { word: "gas", re: /\bgas\b/i },
      { word: "token", re: /\btokens?\b/i },
    ]),
  en: [
    { word: "token", re: /\btokens?\b/i },
    { word: "blockchain", re: /blockchain/i },
    { word: "on-chain / on chain", re: /\b(on|off)[- ]?chain\b/i },
    { word: "wallet", re: /\bwallets?\b/i },
    { word: "mint", re: /\bmint(s|ed|ing)?\b/i },
    { word: "burn", re: /\bburn(s|ed|t|ing)?\b/i },
    { word: "hash", re: /\bhash(es|ed)?\b/i },
    { word: "gas", re: /\bgas\b/i },
    { word: "tx", re: /\btx\b/i },
    { word: "block / block number", re: /\bblocks?\b/i },
    { word: "NFT", re: /\bNFTs?\b/i },
    { word: "ERC-721 / ERC-20", re: /ERC-?\d+/i },
    { word: "smart contract", re: /smart contract/i },
    { word: "ledger address / wallet address", re: /\b(ledger|wallet|on-chain) address/i },
    { word: "0x… (a hex value)", re: /0x/i },
  ],
};

/** The words of `FORBIDDEN[lng]` in `text` (its {{placeholders}} are names in code, not words). */
export const crypticWords = (lng: "zh" | "en", text: string) => {
  const words = text.replace(/\{\{[^}]*\}\}/g, "");
  return FORBIDDEN[lng].filter(({ re }) => re.test(words)).map(({ word }) => word);
};

