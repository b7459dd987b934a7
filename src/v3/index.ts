import express from 'express';
import type { Router } from 'express';
import type { Logger } from '../logger';
import type { OrgsService } from '../orgs';
import { createV3ErrorMiddleware, v3NotFound } from './errors';
import { v3RootLink } from './links';
import { createV3Routes } from './routes';

export { V3_API_VERSION, v3RootLink } from './links';

export interface V3ModuleDeps {
  /** The external base URL: v3 links are absolute (the CLI appends `/<guid>/…` to them). */
  externalUrl: string;
  orgs: OrgsService;
  defaultQuotaGuid(): Promise<string>;
  logger: Logger;
  /** Further v3 routers (e.g. service instance sharing), mounted under /v3 before the 404. */
  extraRouters?: Router[];
}

export interface V3Module {
  /** Mount at `/v3`. */
  router: Router;
  rootLink: ReturnType<typeof v3RootLink>;
}

/** The minimal v3 surface the cf CLI v6 touches (cf-cli-v6-requests.md §4); nothing else of v3. */
export function createV3Module(deps: V3ModuleDeps): V3Module {
  const router = express.Router();
  router.use(
    createV3Routes({
      base: deps.externalUrl,
      orgs: deps.orgs,
      defaultQuotaGuid: () => deps.defaultQuotaGuid(),
    }),
  );
  for (const extra of deps.extraRouters ?? []) router.use(extra);
  router.use(v3NotFound);
  router.use(createV3ErrorMiddleware(deps.logger));
  return { router, rootLink: v3RootLink(deps.externalUrl) };
}
