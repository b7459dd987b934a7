import crypto, { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { AuthContext } from './auth-context';
import { SigningKeys } from './signing-key';
import type { SigningKey } from './signing-key';
import {
  buildClaims,
  CLOUD_CONTROLLER_AUDIENCE,
  isRefreshJti,
  verifiedClaimsSchema,
} from './token-claims';
import type { GrantType, TokenSubject, VerifiedClaims } from './token-claims';

export interface TrustedIssuer {
  issuer: string;
  publicKeyPem: string;
}

export interface IssuedTokens {
  access_token: string;
  token_type: 'bearer';
  refresh_token: string | undefined;
  expires_in: number;
  scope: string;
  jti: string;
}

export class TokenVerificationError extends Error {}

/** A token of this issuer names a key this process has not loaded (another one rotated). */
export class UnknownSigningKeyError extends TokenVerificationError {}

/** Mints and verifies RS256 JWTs; verification pins the algorithm and checks exp, aud and iss. */
export class TokenService {
  readonly issuer: string;
  readonly keys: SigningKeys;
  private reloadKeys: (() => Promise<void>) | undefined;

  constructor(
    key: SigningKey | SigningKeys,
    externalUrl: string,
    private readonly ttlSeconds: number,
    private readonly refreshTtlSeconds: number,
    private readonly trusted: readonly TrustedIssuer[] = [],
    private readonly clock: Clock = systemClock,
  ) {
    this.issuer = `${externalUrl}/oauth/token`;
    this.keys = key instanceof SigningKeys ? key : new SigningKeys([key]);
  }

  /** How to re-read the installation's signing keys when a token names an unknown `kid`. */
  useKeyReloader(reload: () => Promise<void>): void {
    this.reloadKeys = reload;
  }

  private sign(subject: TokenSubject, grantType: GrantType, jti: string, refresh: boolean): string {
    const claims = buildClaims({
      subject,
      grantType,
      issuer: this.issuer,
      jti,
      issuedAt: this.nowSeconds(),
      ttlSeconds: refresh ? this.refreshTtlSeconds : this.ttlSeconds,
      refresh,
    });
    const key = this.keys.current;
    return jwt.sign(claims, key.privateKeyPem, { algorithm: 'RS256', keyid: key.kid });
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  issue(subject: TokenSubject, grantType: GrantType, withRefresh: boolean): IssuedTokens {
    const jti = randomUUID().replace(/-/g, '');
    return {
      access_token: this.sign(subject, grantType, jti, false),
      token_type: 'bearer',
      refresh_token: withRefresh ? this.sign(subject, grantType, jti, true) : undefined,
      expires_in: this.ttlSeconds,
      scope: subject.scopes.join(' '),
      jti,
    };
  }

  // Parsed once per key: jsonwebtoken would otherwise parse the PEM on every request.
  private readonly verificationKeys = new Map<string, crypto.KeyObject>();

  private keyFor(token: string): crypto.KeyObject {
    const decoded = jwt.decode(token, { complete: true, json: true });
    const payload = decoded?.payload;
    const iss = typeof payload === 'object' && payload !== null ? payload.iss : undefined;
    let pem: string | undefined;
    if (iss === this.issuer) {
      // Wharf's own tokens: the header's kid picks among the current and recently retired keys.
      const kid = decoded?.header.kid;
      const own = kid === undefined ? this.keys.current : this.keys.find(kid);
      if (own === undefined) throw new UnknownSigningKeyError('unknown signing key');
      pem = own.publicKeyPem;
    } else {
      pem = this.trusted.find((t) => t.issuer === iss)?.publicKeyPem;
    }
    if (iss === undefined || pem === undefined) throw new TokenVerificationError('unknown issuer');
    let key = this.verificationKeys.get(pem);
    if (!key) {
      key = crypto.createPublicKey(pem);
      this.verificationKeys.set(pem, key);
    }
    return key;
  }

  /**
   * Like verify, but a token naming a signing key this process has not loaded yet (another
   * process ran `wharf rotate-key`) makes it re-read the keys once and try again.
   */
  async verifyReloading(token: string, expect: 'access' | 'refresh'): Promise<VerifiedClaims> {
    try {
      return this.verify(token, expect);
    } catch (err) {
      if (!(err instanceof UnknownSigningKeyError) || this.reloadKeys === undefined) throw err;
      await this.reloadKeys();
      return this.verify(token, expect);
    }
  }

  /** Verifies signature, algorithm, expiry, audience and issuer; returns the parsed claims. */
  // Clients reuse one access token for many requests: a verified token's claims are kept until it
  // expires, so the RS256 check runs once per token rather than once per request. Only successful
  // access-token verifications are cached; the map is bounded.
  private readonly verified = new Map<string, VerifiedClaims>();
  private static readonly MAX_CACHED_TOKENS = 10_000;

  verify(token: string, expect: 'access' | 'refresh'): VerifiedClaims {
    if (expect === 'access') {
      const cached = this.verified.get(token);
      if (cached !== undefined) {
        if (cached.exp > this.nowSeconds()) return cached;
        this.verified.delete(token);
      }
      const claims = this.verifyUncached(token, expect);
      if (this.verified.size >= TokenService.MAX_CACHED_TOKENS) this.verified.clear();
      this.verified.set(token, claims);
      return claims;
    }
    return this.verifyUncached(token, expect);
  }

  private verifyUncached(token: string, expect: 'access' | 'refresh'): VerifiedClaims {
    let payload: unknown;
    try {
      const key = this.keyFor(token);
      payload = jwt.verify(token, key, {
        algorithms: ['RS256'],
        audience: CLOUD_CONTROLLER_AUDIENCE,
        clockTimestamp: this.nowSeconds(),
      });
    } catch (err) {
      if (err instanceof TokenVerificationError) throw err;
      throw new TokenVerificationError(err instanceof Error ? err.message : 'invalid token');
    }
    const parsed = verifiedClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new TokenVerificationError('token claims are malformed');
    const claims = parsed.data;
    const issuers = [this.issuer, ...this.trusted.map((t) => t.issuer)];
    if (!issuers.includes(claims.iss)) throw new TokenVerificationError('unknown issuer');
    if (isRefreshJti(claims.jti) !== (expect === 'refresh')) {
      throw new TokenVerificationError(
        expect === 'access' ? 'refresh token used as access token' : 'not a refresh token',
      );
    }
    return claims;
  }

  /** A user token of Wharf's own UAA (rather than a client's, or an external issuer's). */
  isIssuedHereForUser(claims: VerifiedClaims): boolean {
    return claims.iss === this.issuer && claims.user_id !== undefined;
  }

  toAuthContext(claims: VerifiedClaims): AuthContext {
    const clientId = claims.client_id ?? claims.cid ?? 'unknown';
    return {
      userGuid: claims.user_id ?? clientId,
      userName: claims.user_name,
      email: claims.email,
      clientId,
      scopes: claims.scope,
    };
  }
}
