export { createBearerMiddleware } from './bearer';
export { createInfoRoutes } from './routes';
export { LoginLimiter } from './login-limiter';
export { OAuthTokenEndpoint } from './oauth-token';
export { RefreshTokenStore } from './refresh-token-store';
export { loadOrCreateSigningKey } from './signing-key';
export { UsersStore } from './store';
export { TokenService } from './token-service';
export { UsersService, UserExistsError } from './users-service';
