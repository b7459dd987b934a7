import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { buildWharf } from '../../../src/app';
import type { Wharf } from '../../../src/app';
import { ADMIN_SCOPES } from '../../../src/auth/types';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

/** Issue 9 item 4: a failed database write must not log the values it tried to write. */
describe('a failed database write', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-logs-'));
  const lines: string[] = [];
  let wharf: Wharf;
  let database: TestDatabase;
  let token: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = loadConfig({ WHARF_DATA_DIR: dir, WHARF_EXTERNAL_URL: 'http://wharf.test' });
    database = await createTestDatabase(dir);
    const knex = database.connect();
    wharf = await buildWharf({ config, logger: createLogger('info', sink), knex });
    const admin = await wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
    token = wharf.tokens.issue(
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
    // The disk refuses every new organization: a write failure the API cannot foresee.
    if (database.kind === 'postgres') {
      await knex.raw(
        "CREATE FUNCTION refuse_orgs() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk says no'; END $$ LANGUAGE plpgsql",
      );
      await knex.raw(
        'CREATE TRIGGER refuse_orgs BEFORE INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION refuse_orgs()',
      );
    } else {
      await knex.raw(
        "CREATE TRIGGER refuse_orgs BEFORE INSERT ON organizations BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
      );
    }
  });
  afterAll(async () => {
    await wharf.close();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the insert fails, then 500 and the log names the statement but never its values', async () => {
    const marker = `secret-marker-${Date.now()}`;
    const res = await request(wharf.app)
      .post('/v2/organizations')
      .set('Authorization', `bearer ${token}`)
      .send({ name: marker });
    expect(res.status).toBe(500);
    const logged = lines.join('');
    expect(logged).toContain('disk says no');
    // SQLite quotes names with backticks, PostgreSQL with double quotes (escaped in JSON lines).
    expect(logged).toMatch(/insert into (`|\\")organizations/);
    expect(logged).not.toContain(marker);
  });
});
