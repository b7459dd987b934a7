import express from 'express';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import { CfError } from '../http/cf-errors';
import { listQueryFromRequest } from '../http/list-query';
import { param } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import type { OrgsService } from '../orgs';

const APP_QUERYABLE = ['name', 'space_guid', 'organization_guid', 'diego', 'stack_guid'] as const;
const SECURITY_GROUP_QUERYABLE = ['name', 'running_default', 'staging_default'] as const;

const none = (): { total: number; items: never[] } => ({ total: 0, items: [] });

/**
 * Wharf runs no apps. CC answers an empty list when nothing matches, so `cf bind-service APP …`
 * ends with the CLI's own "App 'APP' not found." (cf-cli-v6-requests.md §2.21), and `cf space`
 * shows no apps and no security groups. The query is still parsed, so bad filters get CC's 400.
 */
export function createAppsRoutes(orgs: OrgsService): Router {
  const router = express.Router();
  router.get('/v2/apps', (req, res) => {
    requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: APP_QUERYABLE });
    sendPage(req, res, query, none(), () => null);
  });
  router.get('/v2/apps/:guid', (req) => {
    requireReadScope(req);
    throw new CfError('AppNotFound', param(req, 'guid'));
  });
  const spaceList = (path: string, queryable: readonly string[]): void => {
    router.get(path, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable });
      await orgs.getSpace(ctx, param(req, 'guid'));
      sendPage(req, res, query, none(), () => null);
    });
  };
  spaceList('/v2/spaces/:guid/apps', APP_QUERYABLE);
  spaceList('/v2/spaces/:guid/security_groups', SECURITY_GROUP_QUERYABLE);
  spaceList('/v2/spaces/:guid/staging_security_groups', SECURITY_GROUP_QUERYABLE);
  return router;
}
