import { describe, it, expect } from "vitest";
import { SIGNATURE_HEADER, signatureHeader, verifySignature, webhookUrlProblem } from "../../backend/src/modules/webhooks";
import { deliveryTargetProblem, isInternalAddress } from "../../backend/src/modules/webhooks/url-policy";

/** Where a subscription may send, and how deliveries are signed, without a server or a queue. */

describe(webhookUrlProblem.name, () => {
  const PRODUCTION = true;
  const DEVELOPMENT = false;

  it("takes a public https URL, in production and elsewhere", () => {
    for (const url of ["https://erp.example.com/chainfactor/webhooks", "https://erp.example.com:8443/hooks?tenant=1", "https://93.184.216.34/hooks"]) {
      expect(webhookUrlProblem(url, PRODUCTION), url).toBeNull();
      expect(webhookUrlProblem(url, DEVELOPMENT), url).toBeNull();
    }
  });

  it("refuses what is not an absolute URL, credentials and fragments", () => {
    expect(webhookUrlProblem("erp.example.com/hooks", PRODUCTION)).toMatch(/absolute URL/);
    expect(webhookUrlProblem("https://user:pw@erp.example.com/hooks", PRODUCTION)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://user@erp.example.com/hooks", PRODUCTION)).toMatch(/credentials/);
    expect(webhookUrlProblem("http://user:pw@127.0.0.1/hooks", DEVELOPMENT)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://erp.example.com/hooks#top", PRODUCTION)).toMatch(/fragment/);
  });

  it("allows plain http only to a local receiver, and only outside production", () => {
    for (const url of ["http://127.0.0.1:4000/hooks", "http://localhost/hooks", "http://LocalHost:8080/", "http://[::1]:4000/"]) {
      expect(webhookUrlProblem(url, DEVELOPMENT), url).toBeNull();
      expect(webhookUrlProblem(url, PRODUCTION), url).toBe("must use https");
    }
    expect(webhookUrlProblem("http://erp.example.com/hooks", DEVELOPMENT)).toMatch(/plain http is allowed only to 127\.0\.0\.1/);
    expect(webhookUrlProblem("http://10.0.0.5/hooks", DEVELOPMENT)).toMatch(/plain http is allowed only/);
    for (const url of ["ftp://erp.example.com/hooks", "ws://127.0.0.1/", "file:///etc/passwd", "javascript:alert(1)"]) {
      expect(webhookUrlProblem(url, DEVELOPMENT), url).toBe("must use https");
    }
  });

  it("in production refuses local host names and internal addresses, however the address is spelt", () => {
    for (const url of ["https://localhost/", "https://api.localhost/", "https://db.internal/", "https://printer.local/"]) {
      expect(webhookUrlProblem(url, PRODUCTION), url).toMatch(/public host/);
    }
    for (const url of [
      "https://127.0.0.1/",
      "https://10.1.2.3/",
      "https://169.254.169.254/latest/meta-data", // cloud metadata
      "https://192.168.0.10/",
      "https://[::1]/",
      "https://[fd12:3456::1]/",
      "https://0x7f000001/", // the URL parser makes these 127.0.0.1
      "https://2130706433/",
      "https://127.1/",
      "https://[::ffff:10.0.0.1]/", // the URL parser writes this [::ffff:a00:1]
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:a9fe:a9fe]/", // 169.254.169.254
      "https://[::10.0.0.1]/", // IPv4-compatible, written [::a00:1]
    ]) {
      expect(webhookUrlProblem(url, PRODUCTION), url).toMatch(/public address/);
    }
  });
});

describe(isInternalAddress.name, () => {
  it("knows the internal IPv4 ranges to their edges", () => {
    const internal = ["0.0.0.0", "10.255.255.255", "127.0.0.1", "100.64.0.0", "100.127.255.255", "169.254.0.1", "172.16.0.0", "172.31.255.255", "192.168.1.1", "198.18.0.1", "198.19.255.255", "224.0.0.1", "255.255.255.255"];
    const external = ["1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "169.253.0.1", "172.15.255.255", "172.32.0.0", "192.167.1.1", "198.17.0.1", "198.20.0.1", "223.255.255.255"];
    for (const ip of internal) expect(isInternalAddress(ip), ip).toBe(true);
    for (const ip of external) expect(isInternalAddress(ip), ip).toBe(false);
  });

  it("knows the internal IPv6 ranges, and IPv4 ones mapped into IPv6", () => {
    for (const ip of ["::", "::1", "fc00::1", "fdff::1", "fe80::1", "febf::1", "ff02::1", "::ffff:127.0.0.1", "::FFFF:10.0.0.1"]) expect(isInternalAddress(ip), ip).toBe(true);
    for (const ip of ["::ffff:a00:1", "::ffff:7f00:1", "::a00:1", "::ffff:c0a8:101"]) expect(isInternalAddress(ip), ip).toBe(true);
    for (const ip of ["2606:4700:4700::1111", "fec0::1", "::ffff:8.8.8.8", "::ffff:808:808"]) expect(isInternalAddress(ip), ip).toBe(false);
  });
});

describe(deliveryTargetProblem.name, () => {
  it("applies the subscription rule again before anything is resolved", async () => {
    expect(await deliveryTargetProblem("https://10.0.0.1/hooks", true)).toMatch(/public address/);
    expect(await deliveryTargetProblem("https://localhost/hooks", true)).toMatch(/public host/);
    expect(await deliveryTargetProblem("http://127.0.0.1:4000/hooks", true)).toBe("must use https");
    // outside production nothing is resolved: a local receiver is fine
    expect(await deliveryTargetProblem("http://127.0.0.1:4000/hooks", false)).toBeNull();
    // an address literal is checked as it is, without a lookup
    expect(await deliveryTargetProblem("https://93.184.216.34/hooks", true)).toBeNull();
    expect(await deliveryTargetProblem("https://[::ffff:10.0.0.1]/hooks", true)).toMatch(/public address/);
  });
});

describe("delivery signatures", () => {
  const SECRET = "whsec_test";
  const BODY = '{"id":"evt_1","type":"receivable.confirmed"}';
  const T = 1_767_225_600; // 2026-01-01T00:00:00Z
  /** HMAC-SHA256("whsec_test", "1767225600." + BODY), computed with openssl. */
  const V1 = "3b568241092abba9f603b9ac655d17439fc9fe446e27486eeeeb70d9e31c8177";
  const AT_T = T * 1000;

  it("signs as the integrators' guide says: t=<seconds>,v1=<hex HMAC-SHA256 of t.body>", () => {
    expect(SIGNATURE_HEADER).toBe("ChainFactor-Signature");
    expect(signatureHeader(SECRET, BODY, T)).toBe(`t=${T},v1=${V1}`);
  });

  it("accepts the right secret, body and time, and refuses a changed body, another secret or no header", () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(SECRET, BODY, header, AT_T)).toBe(true);
    expect(verifySignature(SECRET, BODY.replace("evt_1", "evt_2"), header, AT_T)).toBe(false);
    expect(verifySignature(SECRET, `${BODY} `, header, AT_T)).toBe(false);
    expect(verifySignature("whsec_other", BODY, header, AT_T)).toBe(false);
    for (const none of [null, undefined, ""]) expect(verifySignature(SECRET, BODY, none, AT_T)).toBe(false);
  });

  it("binds the timestamp: the same signature under another t is refused", () => {
    const v1 = signatureHeader(SECRET, BODY, T).split(",")[1];
    expect(verifySignature(SECRET, BODY, `t=${T + 1},${v1}`, AT_T)).toBe(false);
  });

  it("accepts a timestamp within the tolerance either way and refuses one beyond it", () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(SECRET, BODY, header, (T + 300) * 1000 + 999)).toBe(true);
    expect(verifySignature(SECRET, BODY, header, (T - 300) * 1000)).toBe(true);
    expect(verifySignature(SECRET, BODY, header, (T + 301) * 1000)).toBe(false); // a replay
    expect(verifySignature(SECRET, BODY, header, (T - 301) * 1000)).toBe(false);
    expect(verifySignature(SECRET, BODY, header, (T + 11) * 1000, 10)).toBe(false);
    expect(verifySignature(SECRET, BODY, header, (T + 10) * 1000, 10)).toBe(true);
  });

  it("accepts any of several v1 values (a rotated secret) and tolerates spaces after commas", () => {
    const other = signatureHeader("whsec_old", BODY, T).split(",")[1];
    expect(verifySignature(SECRET, BODY, `t=${T},${other},v1=${V1}`, AT_T)).toBe(true);
    expect(verifySignature(SECRET, BODY, `t=${T}, v1=${V1}`, AT_T)).toBe(true);
    expect(verifySignature(SECRET, BODY, `v1=${V1},t=${T}`, AT_T)).toBe(true);
  });

  it("answers false, without throwing, to malformed headers", () => {
    for (const header of [
      `v1=${V1}`, // no timestamp
      `t=${T}`, // no signature
      `t=abc,v1=${V1}`,
      `t=-${T},v1=${V1}`,
      `t=0001767225600,v1=${V1}`, // more than 12 digits
      `t=${T},v1=${V1.slice(0, 63)}`, // a short signature (a length mismatch would make the comparison throw)
      `t=${T},v1=${V1}00`,
      `t=${T},v1=`,
      `t=${T},v1`,
      "garbage",
    ]) {
      expect(verifySignature(SECRET, BODY, header, AT_T), header).toBe(false);
    }
  });
});
