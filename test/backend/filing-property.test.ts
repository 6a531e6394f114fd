import { describe, expect, it } from "vitest";
import { certificateProperty } from "../../backend/src/modules/financing/filing-property";

describe("the 中登网 filing of a certificate's financing describes the certificate (77号文, the 2026 example)", () => {
  const obligor = { legalName: "渝川汽车集团股份有限公司", uscc: "91500112MA60K4DK5U" };
  const holder = { legalName: "重庆长安汽车零部件有限公司", uscc: "91500107MA5UXXXX0X" };

  it("names the certificate, platform, parties, amounts, dates (China time), tier and invoices", () => {
    const p = certificateProperty(
      { chainId: 42n, amount: 1_234_567_89n, maturity: new Date("2027-03-31T16:30:00Z"), tier: 1, createdAt: new Date("2026-12-05T17:00:00Z") },
      obligor,
      holder,
      1_200_000_00n,
      3,
    );
    expect(p).toMatchObject({
      certificateNumber: "CF-42",
      obligorUscc: obligor.uscc,
      holderUscc: holder.uscc,
      faceAmount: "123456789",
      financedAmount: "120000000",
      issuedOn: "2026-12-06", // 01:00 in Chongqing
      maturesOn: "2027-04-01",
      tier: 1,
      invoiceCount: 3,
    });
    expect(p.description).toContain("凭证编号CF-42");
    expect(p.description).toContain("凭证金额人民币1234567.89元，融资金额人民币1200000.00元");
    expect(p.description).toContain("开立日2026-12-06，到期日2027-04-01，第2级拆分凭证，基础交易发票3张");
  });
});
