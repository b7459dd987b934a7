export { createBearerMiddleware } from './bearer';
export { createInfoRoutes } from './routes';
export { ConcurrencyGate, GateBusyError } from './concurrency-gate';
export { PasswordHasher, scryptWorkers } from './passwords';
export { LoginLimiter } from './login-limiter';
export { OAuthTokenEndpoint } from './oauth-token';
export { RefreshTokenStore } from './refresh-token-store';
export {
  loadOrCreateSigningKey,
  loadStoredSigningKeys,
  parseSigningKeys,
  rotateSigningKey,
  SigningKeys,
} from './signing-key';
export type { SigningKey } from './signing-key';
export { UsersStore, pageOfUsers, selectUserIdsByGuid, userIdsWithGuid } from './store';
export type { UserIdFilter } from './store';
export { TokenService } from './token-service';
export { UsersService, UserExistsError } from './users-service';
export * from './auth-context';
export * from './guards';
export * from './types';
export * from './oauth-errors';
export { PUBLIC_CLIENT_ID } from './oauth-token';
export type { IssuedTokens } from './token-service';
