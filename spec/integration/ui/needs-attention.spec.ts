import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { currentTimestamp } from '../../../src/db/timestamps';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { get, login } from './support';
import type { Browser } from './support';

/**
 * Issue 14 item 6: "needs attention" comes from each module's own query (instances, brokers,
 * containers) through its door; the overview page and the wharf_needs_attention gauge show it.
 * Rows are written straight into the tables so each case has exact ages and jobs.
 */

let w: TestWharf;
let admin: Browser;
let developer: Browser;
let planId: number;

const MINUTE = 60 * 1000;
const ago = (ms: number): string => currentTimestamp(new Date(Date.now() - ms));

async function spaceId(guid: string): Promise<number> {
  const row: { id: number } = await w.knex('spaces').where({ guid }).first('id');
  return row.id;
}

async function insertInstance(
  space: number,
  name: string,
  state: 'in progress' | 'failed' | 'succeeded',
  since: string,
  job?: 'pending' | 'running' | 'succeeded',
): Promise<void> {
  const guid = randomUUID();
  await w.knex('service_instances').insert({
    guid,
    name,
    space_id: space,
    service_plan_id: planId,
    last_operation_type: 'create',
    last_operation_state: state,
    last_operation_description: state === 'failed' ? `${name} broke` : '',
    last_operation_created_at: since,
    last_operation_updated_at: since,
  });
  if (job !== undefined)
    await w.knex('jobs').insert({
      guid: randomUUID(),
      kind: 'spec.attention',
      resource_guid: guid,
      state: job,
      // Far ahead: the runner is not started here, and a due job must not be the reason.
      run_at: '2999-01-01T00:00:00Z',
    });
}

beforeAll(async () => {
  w = await startTestWharf();
  const service = await request(w.app)
    .post('/v2/services')
    .set(bearer(w.adminToken))
    .send({ label: 'attention-db', description: 'd' });
  const plan = await request(w.app)
    .post('/v2/service_plans')
    .set(bearer(w.adminToken))
    .send({ name: 'small', description: 'd', service_guid: service.body.metadata.guid });
  const planRow: { id: number } = await w
    .knex('service_plans')
    .where({ guid: plan.body.metadata.guid })
    .first('id');
  planId = planRow.id;

  const org = await createOrg(w, 'attention-org');
  const mineGuid = await createSpace(w, org, 'mine');
  const mine = await spaceId(mineGuid);
  const theirs = await spaceId(await createSpace(w, org, 'theirs'));
  const dev = await w.createUser('attention-dev');
  await grantOrgRole(w, org, 'users', dev.guid);
  await grantSpaceRole(w, mineGuid, 'developers', dev.guid);

  await insertInstance(mine, 'failed-op', 'failed', ago(1000));
  await insertInstance(mine, 'stuck-op', 'in progress', ago(120 * MINUTE), 'running');
  await insertInstance(mine, 'orphaned-op', 'in progress', ago(5 * MINUTE));
  await insertInstance(mine, 'orphaned-after-its-job', 'in progress', ago(5 * MINUTE), 'succeeded');
  await insertInstance(mine, 'working-op', 'in progress', ago(5 * MINUTE), 'running');
  await insertInstance(mine, 'queued-op', 'in progress', ago(5 * MINUTE), 'pending');
  await insertInstance(mine, 'fresh-op', 'in progress', ago(1000));
  await insertInstance(mine, 'done-op', 'succeeded', ago(120 * MINUTE));
  await insertInstance(theirs, 'their-failed-op', 'failed', ago(1000));

  for (const [name, ok] of [
    ['broken-broker', false],
    ['healthy-broker', true],
    ['never-synced-broker', null],
  ] as const)
    await w.knex('service_brokers').insert({
      guid: randomUUID(),
      name,
      broker_url: 'http://127.0.0.1:9',
      auth_username: 'u',
      auth_password_encrypted: 'not-read-here',
      last_sync_at: ok === null ? null : ago(1000),
      last_sync_ok: ok,
      last_sync_error: ok === false ? 'catalog fetch timed out' : null,
    });

  admin = await login(w, 'admin', 'admin-password');
  developer = await login(w, 'attention-dev', 'attention-dev-password');
});

afterAll(async () => {
  await w.stop();
});

const NEEDS_A_LOOK = ['failed-op', 'stuck-op', 'orphaned-op', 'orphaned-after-its-job'];
const FINE = ['working-op', 'queued-op', 'fresh-op', 'done-op'];

describe('the overview’s "needs attention" list', () => {
  it('for an admin: failed, stuck and orphaned operations everywhere, and the failed broker sync', async () => {
    const res = await get(w, admin, '/ui');
    expect(res.status).toBe(200);
    for (const name of [...NEEDS_A_LOOK, 'their-failed-op'])
      expect(res.text).toContain(`>${name}</a>`);
    for (const name of FINE) expect(res.text).not.toContain(`>${name}</a>`);
    expect(res.text).toContain('>broken-broker</a>');
    expect(res.text).toContain('catalog fetch timed out');
    expect(res.text).not.toContain('>healthy-broker</a>');
    expect(res.text).not.toContain('>never-synced-broker</a>');
  });

  it('for a developer: only instances of spaces they may read, and no brokers', async () => {
    const res = await get(w, developer, '/ui');
    expect(res.status).toBe(200);
    for (const name of NEEDS_A_LOOK) expect(res.text).toContain(`>${name}</a>`);
    expect(res.text).not.toContain('their-failed-op');
    expect(res.text).not.toContain('broken-broker');
  });
});

describe('wharf_needs_attention', () => {
  it('counts what the same queries find, for the whole installation', async () => {
    const res = await request(w.app).get('/metrics').set(bearer(w.adminToken));
    expect(res.status).toBe(200);
    expect(res.text).toContain('wharf_needs_attention{kind="stuck_instances"} 5');
    expect(res.text).toContain('wharf_needs_attention{kind="failed_broker_syncs"} 1');
    expect(res.text).toContain('wharf_needs_attention{kind="unhealthy_container_services"} 0');
  });
});
