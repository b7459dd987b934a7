import request from 'supertest';
import { FakeBroker } from '../../support/fake-broker';
import { setUpBrokerWorld, startInstancesWharf } from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { bearer, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const INSTANCE = '/v2/service_instances/:instance_id';

function catalog(version: string): unknown {
  return {
    services: [
      {
        id: 'svc-mi',
        name: 'upgradable',
        description: 'a service with maintenance_info',
        bindable: true,
        plans: [
          {
            id: 'plan-mi',
            name: 'versioned',
            description: 'd',
            maintenance_info: { version, description: `v${version}` },
          },
          { id: 'plan-plain', name: 'plain', description: 'no maintenance_info' },
        ],
      },
    ],
  };
}

describe('PUT /v2/service_instances/:guid with maintenance_info', () => {
  let w: TestWharf;
  let broker: FakeBroker;
  let world: BrokerWorld;
  let n = 0;

  beforeAll(async () => {
    w = await startInstancesWharf();
    broker = await FakeBroker.start({ catalog: catalog('1.0.0') });
    world = await setUpBrokerWorld(w, broker);
  });
  afterAll(async () => {
    await w.stop();
    await broker.close();
  });

  async function createOn(planId: string): Promise<string> {
    const res = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(world.developer.token))
      .send({
        name: `mi-${++n}`,
        space_guid: world.spaceGuid,
        service_plan_guid: world.plans[planId],
      });
    expect(res.status).toBe(201);
    return String(res.body.metadata.guid);
  }

  function update(guid: string, body: object): request.Test {
    return request(w.app)
      .put(`/v2/service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .send(body);
  }

  it('when the plan moved to a new version, upgrades through a PATCH carrying it and shows the new maintenance_info', async () => {
    const guid = await createOn('plan-mi');
    broker.setCatalog(catalog('2.0.0'));
    await w.brokers.sync(world.brokerGuid, {});
    broker.reset();
    const res = await update(guid, { maintenance_info: { version: '2.0.0' } });
    expect(res.status).toBe(201);
    expect(res.body.entity.maintenance_info).toEqual({ version: '2.0.0', description: 'v2.0.0' });
    const patches = broker.requestsTo('PATCH', INSTANCE);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.json).toMatchObject({ maintenance_info: { version: '2.0.0' } });
    broker.setCatalog(catalog('1.0.0'));
    await w.brokers.sync(world.brokerGuid, {});
  });

  it("when the version is already the instance's, nothing is sent to the broker", async () => {
    const guid = await createOn('plan-mi');
    broker.reset();
    const res = await update(guid, { maintenance_info: { version: '1.0.0' } });
    expect(res.status).toBe(201);
    expect(broker.requestsTo('PATCH', INSTANCE)).toHaveLength(0);
  });

  it.each([
    ['a version that is not semver', 'plan-mi', { maintenance_info: { version: 'one' } }, 390007],
    [
      'a version the plan does not offer',
      'plan-mi',
      { maintenance_info: { version: '9.9.9' } },
      390009,
    ],
    [
      'a plan without maintenance_info',
      'plan-plain',
      { maintenance_info: { version: '1.0.0' } },
      390006,
    ],
  ])(
    'when asked for %s, answers 422 %i and changes nothing',
    async (_label, planId, body, code) => {
      const guid = await createOn(planId);
      broker.reset();
      const before = await snapshot(w.knex, ['service_instances']);
      const res = await update(guid, body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(code);
      expect(await snapshot(w.knex, ['service_instances'])).toEqual(before);
      expect(broker.requestsTo('PATCH', INSTANCE)).toHaveLength(0);
    },
  );
});
