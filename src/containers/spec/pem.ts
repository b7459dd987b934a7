import { X509Certificate, createPrivateKey } from 'node:crypto';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/;

/**
 * Checks that `pem` holds what HAProxy's `ssl crt` needs: a certificate chain and the private key
 * of its first certificate. Returns the problem in words, or undefined when it is usable.
 */
export function checkPemBundle(pem: string): string | undefined {
  const certs = pem.match(CERT_BLOCK) ?? [];
  const first = certs[0];
  if (first === undefined) return 'must contain a PEM certificate';
  const keyText = KEY_BLOCK.exec(pem)?.[0];
  if (keyText === undefined) return 'must contain the PEM private key after the certificate';
  try {
    const cert = new X509Certificate(first);
    const key = createPrivateKey(keyText);
    if (!cert.checkPrivateKey(key)) return 'private key does not match the certificate';
  } catch (err) {
    return `is not a valid PEM certificate and key (${err instanceof Error ? err.message : 'unreadable'})`;
  }
  return undefined;
}
