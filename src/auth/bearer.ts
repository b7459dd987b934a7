import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { setAuthState } from './auth-context';
import type { AuthContext } from './auth-context';
import type { VerifiedClaims } from './token-claims';
import { UnknownSigningKeyError } from './token-service';
import type { TokenService } from './token-service';

export interface TokenUserGate {
  /**
   * Whether the token's identity may act: a user of Wharf's own UAA must still exist; any other
   * identity gets a CC user row the first time it is seen (reference §2.1).
   */
  admit(ctx: AuthContext, issuedHereForUser: boolean): Promise<boolean>;
}

const STRATEGY = 'wharf-bearer';

function hasBearerHeader(req: Request): boolean {
  const header = req.get('Authorization');
  if (header === undefined) return false;
  const parts = header.trim().split(/\s+/);
  return parts.length === 2 && parts[0]?.toLowerCase() === 'bearer';
}

/**
 * Verifies the bearer token when there is one and records the outcome; it never answers the
 * request itself, so each route's guard decides between 401 10002, 401 1000 and anonymous access.
 * (passport's own failure path answers a plain-text 401, which breaks real CF clients.)
 */
export function createBearerMiddleware(tokens: TokenService, users: TokenUserGate): RequestHandler {
  const admit = (
    claims: VerifiedClaims,
    done: (err: unknown, user?: AuthContext | false) => void,
  ): void => {
    const ctx = tokens.toAuthContext(claims);
    users.admit(ctx, tokens.isIssuedHereForUser(claims)).then(
      (admitted) => {
        done(null, admitted ? ctx : false);
      },
      (err: unknown) => {
        done(err);
      },
    );
  };
  const authenticator = new passport.Passport();
  authenticator.use(
    STRATEGY,
    new BearerStrategy((token, done) => {
      let claims: VerifiedClaims;
      try {
        claims = tokens.verify(token, 'access');
      } catch (err) {
        if (!(err instanceof UnknownSigningKeyError)) {
          done(null, false);
          return;
        }
        // Signed with a key another process rotated in: re-read the keys, then decide.
        tokens.verifyReloading(token, 'access').then(
          (reloaded) => {
            admit(reloaded, done);
          },
          () => {
            done(null, false);
          },
        );
        return;
      }
      admit(claims, done);
    }),
  );
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBearerHeader(req)) {
      // A non-bearer scheme (e.g. Basic) counts as no token at all (reference §2.1).
      setAuthState(req, { kind: 'anonymous' });
      next();
      return;
    }
    const handler = authenticator.authenticate(
      STRATEGY,
      { session: false },
      (err: unknown, user: AuthContext | false | undefined) => {
        if (err) {
          next(err);
          return;
        }
        if (!user) {
          setAuthState(req, { kind: 'invalid', reason: 'token rejected' });
          next();
          return;
        }
        setAuthState(req, { kind: 'authenticated', context: user });
        next();
      },
    ) as RequestHandler;
    void handler(req, res, next);
  };
}
