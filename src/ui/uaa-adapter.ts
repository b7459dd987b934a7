import type { OAuthTokenEndpoint, TokenService } from '../auth';
import { OAuthError } from '../auth';
import { PUBLIC_CLIENT_ID } from '../auth';
import type { IssuedTokens } from '../auth';
import type { UaaPort, UaaTokens } from './sessions';
import { UaaLoginError } from './sessions';

/**
 * The dashboard logs in through the very grants `POST /oauth/token` serves, as the public `cf`
 * client: the login limiter, revocation and refresh rotation apply to it exactly as to the cf CLI.
 */
export function createUaaAdapter(endpoint: OAuthTokenEndpoint, tokens: TokenService): UaaPort {
  const toUaaTokens = (issued: IssuedTokens): UaaTokens => {
    const claims = tokens.verify(issued.access_token, 'access');
    if (claims.user_id === undefined) throw new UaaLoginError('Only users may sign in.');
    return {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresInSeconds: issued.expires_in,
      userGuid: claims.user_id,
      userName: claims.user_name ?? claims.user_id,
    };
  };
  const grant = async (form: Record<string, string>, clientAddress: string): Promise<UaaTokens> => {
    try {
      return toUaaTokens(
        await endpoint.handle({
          form: { ...form, client_id: PUBLIC_CLIENT_ID, client_secret: '' },
          authorizationHeader: undefined,
          clientAddress,
        }),
      );
    } catch (err) {
      if (err instanceof OAuthError) throw new UaaLoginError(err.message, err.retryAfterSeconds);
      throw err;
    }
  };
  return {
    passwordLogin: (username, password, clientAddress) =>
      grant({ grant_type: 'password', username, password }, clientAddress),
    refresh: (refreshToken) =>
      grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, ''),
  };
}
