import request from 'supertest';
import { FakeBroker } from '../../support/fake-broker';
import {
  drainJobs,
  instanceCatalog,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import * as namesMigration from '../../../db/migrations/20261201182833_service_instance_names';
import { bearer } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

let w: TestWharf;
let broker: FakeBroker;
let world: BrokerWorld;

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  world = await setUpBrokerWorld(w, broker);
});
afterAll(async () => {
  await drainJobs(w);
  await w.stop();
  await broker.close();
});

async function startAfter(ms: number, send: () => request.Test): Promise<request.Response> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return send();
}

function createManaged(name: string): request.Test {
  return request(w.app)
    .post('/v2/service_instances')
    .set(bearer(world.developer.token))
    .send({ name, space_guid: world.spaceGuid, service_plan_guid: world.plans['svc-main-plan-1'] });
}

/** `cf create-user-provided-service`'s body (cf-cli-v6-requests.md §2.15). */
function createUserProvided(name: string): request.Test {
  return request(w.app)
    .post('/v2/user_provided_service_instances')
    .set(bearer(world.developer.token))
    .send({ name, space_guid: world.spaceGuid, credentials: {} });
}

async function holdersOf(name: string): Promise<number> {
  const managed = await w.knex('service_instances').where({ name });
  const upsi = await w.knex('user_provided_service_instances').where({ name });
  return managed.length + upsi.length;
}

/**
 * A managed create looks at the catalog, the plan's visibility and the broker between its name
 * check and its insert; a user-provided create does not. Started a few milliseconds apart, the
 * user-provided create's check and insert fall inside that gap for some offsets: a read check alone
 * then lets both in. Every offset must still end with exactly one holder of the name.
 */
const OFFSETS_MS = Array.from({ length: 21 }, (_, i) => i * 2);

describe('concurrent creates of one instance name in one space', () => {
  it.each(OFFSETS_MS)(
    'a user-provided create %i ms after a managed one: exactly one wins, the other gets 400 60002',
    async (offset) => {
      const name = `contested-${String(offset)}`;

      const responses = await Promise.all([
        createManaged(name),
        startAfter(offset, () => createUserProvided(name)),
      ]);

      expect(responses.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
      const loser = responses.find((r) => r.status !== 201);
      expect({ status: loser?.status, body: loser?.body }).toEqual({
        status: 400,
        body: {
          description: `The service instance name is taken: ${name}`,
          error_code: 'CF-ServiceInstanceNameTaken',
          code: 60002,
        },
      });
      expect(await holdersOf(name)).toBe(1);
    },
  );

  it('a rename of a user-provided instance to a managed one’s name answers 60002 and renames nothing', async () => {
    expect((await createManaged('taken-by-managed')).status).toBe(201);
    const upsi = await createUserProvided('free-name');
    const guid = String(upsi.body.metadata.guid);

    const res = await request(w.app)
      .put(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .send({ name: 'taken-by-managed' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(60002);
    expect((await w.knex('user_provided_service_instances').where({ guid }).first()).name).toBe(
      'free-name',
    );
  });

  it('a name freed by a delete or a rename can be taken again', async () => {
    const first = await createUserProvided('recycled');
    const guid = String(first.body.metadata.guid);
    await request(w.app)
      .delete(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .expect(204);
    expect((await createManaged('recycled')).status).toBe(201);

    const other = await createUserProvided('before-rename');
    await request(w.app)
      .put(`/v2/user_provided_service_instances/${String(other.body.metadata.guid)}`)
      .set(bearer(world.developer.token))
      .send({ name: 'after-rename' })
      .expect(201);
    expect((await createManaged('before-rename')).status).toBe(201);
  });
});

describe('the service_instance_names migration on a database with instances', () => {
  it('claims every existing name for its holder; a clash left by the old read check keeps the first', async () => {
    const managed = await createManaged('pre-existing');
    expect(managed.status).toBe(201);
    const upsi = await createUserProvided('pre-existing-ups');
    const space: { id: number } = await w
      .knex('spaces')
      .where({ guid: world.spaceGuid })
      .first('id');
    await namesMigration.down(w.knex);
    // What the read check let through before: a user-provided instance with a managed one's name.
    await w.knex('user_provided_service_instances').insert({
      guid: 'clash-upsi',
      name: 'pre-existing',
      space_id: space.id,
      credentials_encrypted: 'sealed',
      tags: '[]',
    });

    await namesMigration.up(w.knex);

    const claims: {
      name: string;
      service_instance_id: number | null;
      user_provided_service_instance_id: number | null;
    }[] = await w.knex('service_instance_names').where({ space_id: space.id }).select();
    const managedRow: { id: number } = await w
      .knex('service_instances')
      .where({ guid: String(managed.body.metadata.guid) })
      .first('id');
    const upsiRow: { id: number } = await w
      .knex('user_provided_service_instances')
      .where({ guid: String(upsi.body.metadata.guid) })
      .first('id');
    expect(claims.find((c) => c.name === 'pre-existing')).toMatchObject({
      service_instance_id: managedRow.id,
      user_provided_service_instance_id: null,
    });
    expect(claims.find((c) => c.name === 'pre-existing-ups')).toMatchObject({
      service_instance_id: null,
      user_provided_service_instance_id: upsiRow.id,
    });
    expect(claims.filter((c) => c.name === 'pre-existing')).toHaveLength(1);
    // Every instance the spec made before is claimed again, none twice.
    const holders =
      (await w.knex('service_instances').where({ space_id: space.id })).length +
      (await w.knex('user_provided_service_instances').where({ space_id: space.id })).length;
    expect(claims).toHaveLength(holders - 1);
    await w.knex('user_provided_service_instances').where({ guid: 'clash-upsi' }).delete();
  });
});
