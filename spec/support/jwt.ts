import crypto from 'node:crypto';

/** Hand-built JWTs, so rejection specs do not depend on the library under test to forge them. */
export type JwtSigner = (signingInput: string) => string;

export function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function encodeJwt(header: object, payload: object, sign: JwtSigner): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${sign(signingInput)}`;
}

export function rs256(privateKeyPem: string): JwtSigner {
  return (input) =>
    crypto.sign('RSA-SHA256', Buffer.from(input), privateKeyPem).toString('base64url');
}

export function hs256(secret: string): JwtSigner {
  return (input) => crypto.createHmac('sha256', secret).update(input).digest('base64url');
}

export const unsigned: JwtSigner = () => '';

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined): Record<string, unknown> =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
