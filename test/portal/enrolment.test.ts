/**
 * The portal's side of enrolment (portal/src/modules/documents/enrolment.ts): the proof's text is
 * the backend's to the byte (the portal writes it again rather than import backend code), and the
 * certificate a browser signs with is the CA's for the key it holds, usable now.
 */
import { describe, expect, it } from "vitest";
import { enrolmentMessage as backendMessage } from "../../backend/src/modules/documents/signing/sm";
import { enrolmentMessage, usableCertificate, type SigningCertificate } from "../../portal/src/modules/documents/enrolment";

const PERSON = "3f0c9a7e-8d1b-4c52-9a57-0f3e8c1d2b4a";
const KEY = `04${"ab".repeat(32)}${"CD".repeat(32)}`;
const OTHER = `04${"12".repeat(64)}`;
const NOW = Date.parse("2026-12-06T10:00:00Z");
const cert = (serial: string, o: Partial<SigningCertificate> = {}): SigningCertificate => ({
  serial,
  publicKey: KEY.toLowerCase(),
  certificate: "",
  notBefore: "2026-12-01T00:00:00Z",
  notAfter: "2028-12-01T00:00:00Z",
  revokedAt: null,
  revocationReason: null,
  ...o,
});

describe("enrolment in the portal", () => {
  it("writes the proof's text exactly as the backend checks it, the key in lower case", () => {
    expect(enrolmentMessage(PERSON, KEY)).toBe(backendMessage({ personId: PERSON, publicKey: KEY }));
    expect(enrolmentMessage(PERSON, KEY)).toBe(`ChainFactor signing key v1\nperson: ${PERSON}\npublic key: ${KEY.toLowerCase()}`);
  });

  it("signs with the certificate of this browser's key that is valid now: not another key's, not revoked, not before or after its validity", () => {
    const items = [
      cert("a1", { publicKey: OTHER }),
      cert("a2", { revokedAt: "2026-12-05T00:00:00Z", revocationReason: "key lost" }),
      cert("a3", { notBefore: "2026-12-07T00:00:00Z" }),
      cert("a4", { notAfter: "2026-12-06T09:59:59Z" }),
      cert("a5"),
    ];
    expect(usableCertificate(items, KEY, NOW)?.serial).toBe("a5");
    expect(usableCertificate(items.slice(0, 4), KEY, NOW)).toBeNull();
    expect(usableCertificate(items, KEY.toUpperCase(), NOW)?.serial).toBe("a5");
  });
});
