/**
 * A person's signing certificate: found for the key this browser holds, or asked of the CA with a
 * proof of possession. The proof's text must be the backend's `enrolmentMessage` (signing/sm.ts,
 * docs/signing-ca.md) to the byte; the portal writes it again rather than import backend code.
 */
import { get, post, queryClient, type Schemas } from "../../api/client";

export type SigningCertificate = Schemas["SigningCertificate"];

export const certificatesKey = ["signing", "certificates"] as const;

export function enrolmentMessage(personId: string, publicKey: string): string {
  return `ChainFactor signing key v1\nperson: ${personId}\npublic key: ${publicKey.toLowerCase()}`;
}

/** The person's certificate for this public key that can sign now: issued, not expired, not revoked. */
export function usableCertificate(items: SigningCertificate[], publicKey: string, now = Date.now()): SigningCertificate | null {
  return (
    items.find((c) => c.publicKey.toLowerCase() === publicKey.toLowerCase() && !c.revokedAt && Date.parse(c.notBefore) <= now && now < Date.parse(c.notAfter)) ?? null
  );
}

export const myCertificates = () => queryClient.fetchQuery({ queryKey: certificatesKey, queryFn: () => get("/v1/signing/certificates"), staleTime: 0 });

type Keystore = typeof import("./keystore");

/**
 * The serial of the certificate to sign with: the one the CA issued for this browser's key, or a
 * new one (the key signs the proof, so this needs the passphrase: WrongPassphrase otherwise).
 */
export async function certificateFor(keystore: Keystore, personId: string, passphrase: string): Promise<string> {
  const publicKey = keystore.publicKeyOf(personId);
  if (!publicKey) throw new keystore.NoSigningKey("this browser holds no signing key for this person");
  const found = usableCertificate((await myCertificates()).items, publicKey);
  if (found) return found.serial;
  const proof = await keystore.signWith(personId, passphrase, enrolmentMessage(personId, publicKey));
  const issued = await post("/v1/signing/certificates", { body: { publicKey, proof } });
  void queryClient.invalidateQueries({ queryKey: certificatesKey });
  return issued.serial;
}
