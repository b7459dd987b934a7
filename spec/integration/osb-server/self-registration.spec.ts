import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createOrg, createSpace } from '../../support/orgs';
import { bearer } from '../../support/test-wharf';
import { BROKER_AUTH, containerOf, startBrokerWorld } from './broker-world';
import type { BrokerWorld } from './broker-world';

/**
 * Wharf registered as a broker of itself (issue 6, "the conformance proof that both sides speak
 * OSB"): the platform side (CC API, OSB client, job runner) drives the broker side over real HTTP
 * on 127.0.0.1, and the broker runs container services on the fake driver.
 */

/** Settings that make the platform side's polling quick (fractional seconds are allowed). */
const FAST = {
  WHARF_POLL_INTERVAL_SECONDS: '0.05',
  WHARF_JOB_TICK_MS: '20',
  WHARF_ORPHAN_MITIGATION_BASE_SECONDS: '0.05',
};

let world: BrokerWorld;
let server: Server;
let brokerUrl: string;

beforeAll(async () => {
  world = await startBrokerWorld(FAST);
  // Only the job runner and the fake engine's reconciler: Wharf's own Docker module stays off.
  await world.wharf.jobs.start();
  await world.containers.start();
  server = world.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  brokerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/broker`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await world.wharf.jobs.stop();
  await world.containers.stop();
  await world.close();
});

const admin = (): { Authorization: string } => bearer(world.wharf.adminToken);

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function lastOperationOf(
  guid: string,
): Promise<{ type: string; state: string; description: string }> {
  const res = await request(world.wharf.app).get(`/v2/service_instances/${guid}`).set(admin());
  return res.body.entity.last_operation as { type: string; state: string; description: string };
}

async function succeeded(guid: string, type: string): Promise<void> {
  const last = await eventually(async () => {
    const op = await lastOperationOf(guid);
    return op.type === type && op.state !== 'in progress' ? op : undefined;
  }, `${type} of ${guid}`);
  expect(last).toMatchObject({ type, state: 'succeeded' });
}

async function brokeredPlanGuids(brokerGuid: string): Promise<Record<string, string>> {
  const rows: { guid: string; unique_id: string }[] = await world.wharf
    .knex('service_plans')
    .join('services', 'services.id', 'service_plans.service_id')
    .join('service_brokers', 'service_brokers.id', 'services.service_broker_id')
    .where('service_brokers.guid', brokerGuid)
    .select('service_plans.guid', 'service_plans.unique_id');
  return Object.fromEntries(rows.map((r) => [r.unique_id, r.guid]));
}

describe('Wharf registered into itself as a broker', () => {
  it('registers, provisions (async), hands out a key, changes plan, deletes: all through /broker/v2', async () => {
    const registered = await request(world.wharf.app)
      .post('/v2/service_brokers')
      .set(admin())
      .send({
        name: 'wharf-itself',
        broker_url: brokerUrl,
        auth_username: BROKER_AUTH.username,
        auth_password: BROKER_AUTH.password,
      });
    expect(registered.status).toBe(201);
    const plans = await brokeredPlanGuids(String(registered.body.metadata.guid));
    expect(Object.keys(plans).sort()).toEqual([
      'plan-big-box',
      'plan-fixed-one',
      'plan-fixed-two',
      'plan-large',
      'plan-small',
    ]);
    const small = plans['plan-small'] ?? '';
    const large = plans['plan-large'] ?? '';
    for (const plan of [small, large])
      expect(
        (
          await request(world.wharf.app)
            .put(`/v2/service_plans/${plan}`)
            .set(admin())
            .send({ public: true })
        ).status,
      ).toBe(201);

    const orgGuid = await createOrg(world.wharf, 'self-org');
    const spaceGuid = await createSpace(world.wharf, orgGuid, 'self-space');
    const created = await request(world.wharf.app)
      .post('/v2/service_instances?accepts_incomplete=true')
      .set(admin())
      .send({
        name: 'self-site',
        space_guid: spaceGuid,
        service_plan_guid: small,
        parameters: { Env: { GREETING: 'hello' } },
      });
    expect(created.status).toBe(202);
    const instanceGuid = String(created.body.metadata.guid);
    await succeeded(instanceGuid, 'create');
    // The platform's instance guid is the broker's instance id; the space is the tenant.
    expect((await containerOf(world, instanceGuid, spaceGuid))?.record).toMatchObject({
      status: 'active',
      spec: { replicas: 1, env: expect.arrayContaining(['GREETING=hello']) },
    });

    const key = await request(world.wharf.app)
      .post('/v2/service_keys')
      .set(admin())
      .send({ name: 'k', service_instance_guid: instanceGuid });
    expect(key.status).toBe(201);
    const credentials = key.body.entity.credentials as Record<string, string>;
    expect(credentials.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const updated = await request(world.wharf.app)
      .put(`/v2/service_instances/${instanceGuid}?accepts_incomplete=true`)
      .set(admin())
      .send({ service_plan_guid: large });
    expect(updated.status).toBe(202);
    await succeeded(instanceGuid, 'update');
    expect((await containerOf(world, instanceGuid, spaceGuid))?.record.spec.replicas).toBe(2);

    expect(
      (
        await request(world.wharf.app)
          .delete(`/v2/service_keys/${key.body.metadata.guid}`)
          .set(admin())
      ).status,
    ).toBe(204);
    expect(await world.wharf.knex('osb_service_bindings').select('id')).toEqual([]);
    const deleted = await request(world.wharf.app)
      .delete(`/v2/service_instances/${instanceGuid}`)
      .set(admin());
    expect(deleted.status).toBe(204);
    expect(await containerOf(world, instanceGuid, spaceGuid)).toBeUndefined();
    expect(
      await world.wharf.knex('osb_service_instances').where({ instance_id: instanceGuid }).first(),
    ).toBeUndefined();
  });
});
