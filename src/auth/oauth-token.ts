import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { LoginLimiter } from './login-limiter';
import { OAuthError } from './oauth-errors';
import type { RefreshTokenStore } from './refresh-token-store';
import type { GrantType } from './token-claims';
import type { TokenService, IssuedTokens } from './token-service';
import type { User } from './types';
import type { UsersService } from './users-service';

/** The public client the cf CLI and cf-nodejs-client use: id `cf`, empty secret. */
export const PUBLIC_CLIENT_ID = 'cf';

const formSchema = z.object({
  grant_type: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export interface TokenRequest {
  form: unknown;
  authorizationHeader: string | undefined;
  clientAddress: string;
}

interface ClientCredentials {
  clientId: string;
  secret: string;
}

/**
 * Client credentials from a Basic header; undefined when there is no Basic header. A Basic header
 * that cannot be decoded is a client authentication failure, not a fallback to the form's client.
 */
export function parseBasicAuth(header: string | undefined): ClientCredentials | undefined {
  if (header === undefined) return undefined;
  const [scheme, encoded] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const badClient = new OAuthError(401, 'invalid_client', 'Bad client credentials');
  if (encoded === undefined) throw badClient;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw badClient;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    // decodeURIComponent throws URIError on a malformed %-sequence: it used to escape as a 500.
    throw badClient;
  }
}

/** Requested scopes narrow the granted ones; an empty request means "all I have" (as UAA). */
export function narrowScopes(granted: readonly string[], requested: string | undefined): string[] {
  const wanted = (requested ?? '').split(/\s+/).filter((s) => s.length > 0);
  if (wanted.length === 0) return [...granted];
  const denied = wanted.filter((s) => !granted.includes(s));
  if (denied.length > 0)
    throw new OAuthError(400, 'invalid_scope', `Invalid scope: ${denied.join(' ')}`);
  return wanted;
}

/** POST /oauth/token: password, client_credentials and refresh_token grants. */
export class OAuthTokenEndpoint {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: LoginLimiter,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async handle(request: TokenRequest): Promise<IssuedTokens> {
    const parsed = formSchema.safeParse(request.form ?? {});
    if (!parsed.success) throw new OAuthError(400, 'invalid_request', 'Malformed token request');
    const form = parsed.data;
    const client = parseBasicAuth(request.authorizationHeader) ?? {
      clientId: form.client_id ?? '',
      secret: form.client_secret ?? '',
    };
    if (client.clientId === '')
      throw new OAuthError(
        401,
        'unauthorized',
        'Full authentication is required to access this resource',
      );
    switch (form.grant_type) {
      case undefined:
      case '':
        // Spring's TokenEndpoint, which UAA runs, checks this before anything grant-specific.
        throw new OAuthError(400, 'invalid_request', 'Missing grant type');
      case 'password':
        return this.passwordGrant(client, form, request.clientAddress);
      case 'client_credentials':
        return this.clientCredentialsGrant(client, form.scope);
      case 'refresh_token':
        return this.refreshGrant(client, form.refresh_token, form.scope);
      default:
        throw new OAuthError(
          400,
          'unsupported_grant_type',
          `Unsupported grant type: ${form.grant_type}`,
        );
    }
  }

  private assertPublicClient(client: ClientCredentials): void {
    if (client.clientId !== PUBLIC_CLIENT_ID || client.secret !== '') {
      throw new OAuthError(401, 'invalid_client', 'Bad client credentials');
    }
  }

  private async passwordGrant(
    client: ClientCredentials,
    form: z.infer<typeof formSchema>,
    address: string,
  ): Promise<IssuedTokens> {
    this.assertPublicClient(client);
    const username = form.username ?? '';
    const wait = this.limiter.retryAfterSeconds(username, address);
    if (wait > 0) {
      throw new OAuthError(
        429,
        'too_many_requests',
        `Too many failed login attempts; try again in ${wait} seconds.`,
        wait,
      );
    }
    const user = await this.users.authenticate(username, form.password ?? '');
    if (!user) {
      this.limiter.recordFailure(username, address);
      throw new OAuthError(401, 'unauthorized', 'Bad credentials');
    }
    this.limiter.recordSuccess(username, address);
    const scopes = narrowScopes(user.scopes, form.scope);
    // A login starts a new family of refresh tokens.
    return this.issueForUser(user, client.clientId, scopes, 'password', randomUUID());
  }

  /** Issues access + refresh token and records the refresh token in its family. */
  private async issueForUser(
    user: User,
    clientId: string,
    scopes: readonly string[],
    grantType: GrantType,
    familyGuid: string,
  ): Promise<IssuedTokens> {
    const issued = this.tokens.issue(
      {
        userGuid: user.guid,
        userName: user.username ?? undefined,
        email: user.email ?? undefined,
        origin: user.origin,
        clientId,
        scopes,
      },
      grantType,
      true,
    );
    if (issued.refresh_token === undefined) throw new Error('a user grant issues a refresh token');
    const refresh = this.tokens.verify(issued.refresh_token, 'refresh');
    await this.refreshTokens.record(
      { jti: refresh.jti, familyGuid, userId: user.id, expiresAt: new Date(refresh.exp * 1000) },
      this.clock.now(),
    );
    return issued;
  }

  private async clientCredentialsGrant(
    client: ClientCredentials,
    scope: string | undefined,
  ): Promise<IssuedTokens> {
    const known = await this.users.authenticateClient(client.clientId, client.secret);
    if (!known) throw new OAuthError(401, 'invalid_client', 'Bad client credentials');
    const scopes = narrowScopes(known.scopes, scope);
    return this.tokens.issue(
      {
        userGuid: undefined,
        userName: undefined,
        email: undefined,
        origin: undefined,
        clientId: known.clientId,
        scopes,
      },
      'client_credentials',
      false,
    );
  }

  private async refreshGrant(
    client: ClientCredentials,
    refreshToken: string | undefined,
    scope: string | undefined,
  ): Promise<IssuedTokens> {
    this.assertPublicClient(client);
    const invalid = new OAuthError(401, 'invalid_token', 'Invalid refresh token');
    let claims: { jti: string; user_id?: string | undefined };
    try {
      claims = await this.tokens.verifyReloading(refreshToken ?? '', 'refresh');
    } catch {
      throw invalid;
    }
    const user =
      claims.user_id === undefined ? undefined : await this.users.findByGuid(claims.user_id);
    if (!user) throw invalid;
    // Scopes come from the user's current record, so a revoked scope is gone after a refresh.
    // Checked before the token is spent, so a bad scope request does not burn it.
    const scopes = narrowScopes(user.scopes, scope);
    const claim = await this.refreshTokens.claim(claims.jti, this.clock.now());
    switch (claim.outcome) {
      case 'claimed':
        // Rotation: the presented token is spent; the new one continues its family.
        return this.issueForUser(user, client.clientId, scopes, 'refresh_token', claim.familyGuid);
      case 'reused':
        // A spent token presented again means a copy is in someone else's hands: end the family.
        await this.refreshTokens.revokeFamily(claim.familyGuid, this.clock.now());
        throw invalid;
      case 'revoked':
      case 'unknown':
        throw invalid;
    }
  }
}
