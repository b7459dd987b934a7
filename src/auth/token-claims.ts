import { z } from 'zod';

export const CLOUD_CONTROLLER_AUDIENCE = 'cloud_controller';

export type GrantType = 'password' | 'client_credentials' | 'refresh_token';

export interface TokenSubject {
  userGuid: string | undefined;
  userName: string | undefined;
  email: string | undefined;
  origin: string | undefined;
  clientId: string;
  scopes: readonly string[];
}

export interface ClaimsInput {
  subject: TokenSubject;
  grantType: GrantType;
  issuer: string;
  jti: string;
  issuedAt: number;
  ttlSeconds: number;
  refresh: boolean;
}

export type TokenClaims = Record<string, string | number | readonly string[]>;

/** The audiences UAA puts on a token: the resource ids of its scopes plus the client. */
export function audiencesFor(scopes: readonly string[], clientId: string): string[] {
  const resources = new Set<string>([CLOUD_CONTROLLER_AUDIENCE]);
  for (const scope of scopes) {
    const dot = scope.indexOf('.');
    if (dot > 0) resources.add(scope.slice(0, dot));
  }
  resources.add(clientId);
  return [...resources].sort();
}

/** Builds UAA-shaped claims (reference §2.4). Pure: the caller passes time and ids. */
export function buildClaims(input: ClaimsInput): TokenClaims {
  const { subject } = input;
  const claims: TokenClaims = {
    jti: input.refresh ? `${input.jti}-r` : input.jti,
    sub: subject.userGuid ?? subject.clientId,
    scope: [...subject.scopes],
    client_id: subject.clientId,
    cid: subject.clientId,
    azp: subject.clientId,
    grant_type: input.grantType,
    iat: input.issuedAt,
    exp: input.issuedAt + input.ttlSeconds,
    iss: input.issuer,
    zid: 'uaa',
    aud: audiencesFor(subject.scopes, subject.clientId),
  };
  if (subject.userGuid !== undefined) {
    claims.user_id = subject.userGuid;
    claims.user_name = subject.userName ?? subject.userGuid;
    claims.origin = subject.origin ?? 'uaa';
    claims.email = subject.email ?? subject.userName ?? subject.userGuid;
  }
  return claims;
}

// UAA sends an array; trying it first keeps the common case free of a failed parse.
const audienceSchema = z.union([z.array(z.string()), z.string()]);

/** What a verified token must carry before Wharf trusts it (CC's minimum, reference §2.4). */
export const verifiedClaimsSchema = z.object({
  jti: z.string().min(1),
  exp: z.number().int(),
  iss: z.string(),
  aud: audienceSchema,
  scope: z.array(z.string()).default([]),
  user_id: z.string().optional(),
  user_name: z.string().optional(),
  email: z.string().optional(),
  origin: z.string().optional(),
  client_id: z.string().optional(),
  cid: z.string().optional(),
  grant_type: z.string().optional(),
  sub: z.string().optional(),
});

export type VerifiedClaims = z.infer<typeof verifiedClaimsSchema>;

export function isRefreshJti(jti: string): boolean {
  return jti.endsWith('-r');
}
