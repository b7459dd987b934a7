import fs from 'node:fs';
import type { Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { ADMIN_SCOPES } from '../../src/auth/types';
import { loadConfig } from '../../src/config';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { removeLabelled } from '../docker/support/cleanup';
import {
  buildTestImages,
  describeWithDocker,
  TEST_IMAGES,
} from '../docker/support/docker-available';
import {
  describeWithBrowser,
  launchChromium,
  recordPageErrors,
  screenshot,
} from './support/browser';

const ADMIN_PASSWORD = 'browser-admin-password';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** Waits for `text` on the page, reloading it every few seconds, up to `timeoutMs`. */
async function untilShown(page: Page, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await page.getByText(text).first().waitFor({ timeout: 3000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.reload();
    }
  }
}

const template = {
  container: {
    Image: TEST_IMAGES.httpd,
    ContainerPort: 80,
    ServicePort: 80,
    Protocol: 'http',
    Replicas: 2,
    HealthCheckInterval: 1,
    HealthCheckFall: 2,
    HealthCheckRise: 1,
    parameters: { Replicas: { minimum: 1, maximum: 3 } },
    credentials: { uri: '${uri}' },
  },
};

/**
 * The dashboard in a real headless Chromium against a real Wharf on 127.0.0.1 and the real Docker
 * engine: log in, create a catalog entry, register Wharf's own /broker, grant a plan, provision from
 * the marketplace form and watch it succeed live, scale a container service to three replicas and
 * see the third come UP, log out. Any console error fails the suite; every page is photographed.
 */
describeWithBrowser('the dashboard in a browser', () => {
  describeWithDocker('with the real engine', () => {
    const docker = new Docker();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-browser-'));
    let wharf: Wharf;
    let database: TestDatabase | undefined;
    let server: Server;
    let base: string;
    let browser: Browser;
    let page: Page;
    let errors: string[];
    let adminToken: string;

    beforeAll(async () => {
      buildTestImages();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const config = loadConfig({
        WHARF_DATA_DIR: dir,
        WHARF_LOG_LEVEL: 'silent',
        WHARF_EXTERNAL_URL: base,
        WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
        WHARF_POLL_INTERVAL_SECONDS: '0.5',
        WHARF_JOB_TICK_MS: '200',
      });
      database = await createTestDatabase(dir);
      const knex = database.connect();
      const logger = pino({ level: 'silent' });
      // Its own database, so its own installation id: the owner label cleaned up after.
      wharf = await buildWharf({ config, logger, knex });
      const admin = await wharf.users.addUser('admin', ADMIN_PASSWORD, ADMIN_SCOPES);
      adminToken = wharf.tokens.issue(
        {
          userGuid: admin.guid,
          userName: 'admin',
          email: undefined,
          origin: 'uaa',
          clientId: 'cf',
          scopes: admin.scopes,
        },
        'password',
        false,
      ).access_token;
      server = wharf.app.listen(port, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      await wharf.start();
      const org = await request(wharf.app)
        .post('/v2/organizations')
        .set('Authorization', `bearer ${adminToken}`)
        .send({ name: 'browser-org' });
      await request(wharf.app)
        .post('/v2/spaces')
        .set('Authorization', `bearer ${adminToken}`)
        .send({ name: 'browser-space', organization_guid: org.body.metadata.guid });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      errors = recordPageErrors(page);
    }, 180000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
      await wharf?.close();
      if (wharf !== undefined) await removeLabelled(docker, 'wharf.owner', wharf.installationId);
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    afterEach(() => {
      expect(errors).toEqual([]);
    });

    it('sends a browser at / to the login page, and logs in', async () => {
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/ui/login');
      await screenshot(page, '01-login');
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', ADMIN_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL(`${base}/ui`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await screenshot(page, '02-overview');
    });

    it('creates a broker-less catalog entry with a container template', async () => {
      await page.goto(`${base}/ui/catalog`);
      await page.fill('input[name=label]', 'web-ui');
      await page.fill('input[name=description]', 'A web site on containers');
      await page.fill('textarea[name=container]', JSON.stringify(template.container));
      await page.click('form[method=post][action="/ui/catalog"] button[type=submit]');
      await page.getByText('A web site on containers').first().waitFor();
      await screenshot(page, '03-catalog');
    });

    it("registers Wharf's own /broker and shows its sync", async () => {
      await page.goto(`${base}/ui/brokers`);
      const { username, password } = wharf.brokerCredentials.credentials;
      await page.fill('form[method=post][action="/ui/brokers"] input[name=name]', 'wharf-itself');
      await page.fill('form[method=post][action="/ui/brokers"] input[name=url]', `${base}/broker`);
      await page.fill('form[method=post][action="/ui/brokers"] input[name=username]', username);
      await page.fill('form[method=post][action="/ui/brokers"] input[name=password]', password);
      await page.click('form[method=post][action="/ui/brokers"] button[type=submit]');
      const row = page.locator('tr', { hasText: 'wharf-itself' });
      await row.waitFor();
      expect(await row.textContent()).toContain('ok');
      await screenshot(page, '04-brokers');
    });

    it("grants the broker's plan to the org in the access editor", async () => {
      await page.goto(`${base}/ui/catalog?q=web-ui`);
      const brokered = page.locator('tr', { hasText: 'wharf-itself' });
      await brokered.locator('a', { hasText: 'access' }).first().click();
      await page.check('input[type=checkbox][name=org]');
      await page.click('button:has-text("Save access")');
      await page.locator('text=granted').first().waitFor();
      await screenshot(page, '05-plan-access');
    });

    it('provisions from the marketplace form and watches it succeed without a reload', async () => {
      await page.goto(`${base}/ui/instances/new`);
      await page
        .locator('tr', { hasText: 'web-ui' })
        .filter({ hasText: 'wharf-itself' })
        .locator('a', { hasText: 'Choose' })
        .first()
        .click();
      await page.fill('input[name=name]', 'site-from-browser');
      await page.fill('input[name="param.Replicas"]', '2');
      await screenshot(page, '06-new-instance');
      await page.click('button:has-text("Create instance")');
      await page.waitForURL(`${base}/ui/instances`);
      await page.waitForSelector('html[data-live-ready="1"]');
      const row = page.locator('tr', { hasText: 'site-from-browser' });
      await row.waitFor();
      // No navigation from here: the live region must update itself over server-sent events.
      const navigations: string[] = [];
      page.on('framenavigated', (frame) => navigations.push(frame.url()));
      await row.getByText('create succeeded').waitFor({ timeout: 90000 });
      expect(navigations).toEqual([]);
      await screenshot(page, '07-instances');
    }, 180000);

    it('scales the container service from its detail page and sees the third replica come UP', async () => {
      await page.goto(`${base}/ui/containers`);
      await page.locator('tbody tr a').first().click();
      await untilShown(page, '2/2 up', 60000);
      await page.fill('input[name=Replicas]', '3');
      await page.click('button:has-text("Scale")');
      // Health turning UP is HAProxy's, after the last status event: reload until the page shows it.
      await untilShown(page, '3/3 up', 90000);
      // Exact text: Playwright's hasText is a case-insensitive substring, and the service's own
      // status badge may still read "updating" while its three replicas already show UP.
      expect(await page.locator('.badge', { hasText: /^\s*UP\s*$/ }).count()).toBe(3);
      await screenshot(page, '08-container');
    }, 240000);

    it('logs out, after which the dashboard asks for a login again', async () => {
      await page.click('button:has-text("Log out")');
      await page.waitForURL(`${base}/ui/login`);
      await page.goto(`${base}/ui/instances`);
      expect(new URL(page.url()).pathname).toBe('/ui/login');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, '09-login-phone');
    });
  });
});
