import request from 'supertest';
import type { Change } from '../../../src/changes';
import { FakeBroker, reply } from '../../support/fake-broker';
import {
  drainJobs,
  eventually,
  instanceCatalog,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { bearer } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const INSTANCE = '/v2/service_instances/:instance_id';

describe('instance and key changes on the change feed', () => {
  let w: TestWharf;
  let broker: FakeBroker;
  let world: BrokerWorld;
  let seen: Change[];
  let unsubscribe: () => void;

  beforeAll(async () => {
    w = await startInstancesWharf();
    broker = await FakeBroker.start({ catalog: instanceCatalog() });
    world = await setUpBrokerWorld(w, broker, { publicPlans: ['svc-main-plan-1'] });
  });
  beforeEach(() => {
    seen = [];
    unsubscribe = w.changes.subscribe((c) => {
      if (c.topic === 'service_instance' || c.topic === 'service_key') seen.push(c);
    });
  });
  afterEach(async () => {
    unsubscribe();
    await drainJobs(w);
  });
  afterAll(async () => {
    await w.stop();
    await broker.close();
  });

  const dev = (): Record<string, string> => bearer(world.developer.token);

  it('when an instance is created, keyed, unkeyed and deleted synchronously, publishes each step with its state and type', async () => {
    const created = await request(w.app).post('/v2/service_instances').set(dev()).send({
      name: 'fed',
      space_guid: world.spaceGuid,
      service_plan_guid: world.plans['svc-main-plan-1'],
    });
    expect(created.status).toBe(201);
    const guid = String(created.body.metadata.guid);
    const key = await request(w.app)
      .post('/v2/service_keys')
      .set(dev())
      .send({ name: 'k', service_instance_guid: guid });
    expect(key.status).toBe(201);
    const keyGuid = String(key.body.metadata.guid);
    expect((await request(w.app).delete(`/v2/service_keys/${keyGuid}`).set(dev())).status).toBe(
      204,
    );
    expect((await request(w.app).delete(`/v2/service_instances/${guid}`).set(dev())).status).toBe(
      204,
    );

    const instanceSteps = seen
      .filter((c) => c.id === guid)
      .map((c) => [c.action, c.detail?.type, c.detail?.state]);
    expect(instanceSteps[0]).toEqual(['created', 'create', 'in progress']);
    expect(instanceSteps).toContainEqual(['updated', 'create', 'succeeded']);
    expect(instanceSteps).toContainEqual(['updated', 'delete', 'in progress']);
    expect(instanceSteps[instanceSteps.length - 1]).toEqual(['deleted', 'delete', 'succeeded']);
    expect(seen.filter((c) => c.id === keyGuid)).toEqual([
      {
        topic: 'service_key',
        action: 'created',
        id: keyGuid,
        detail: { state: 'succeeded', type: 'create' },
      },
      {
        topic: 'service_key',
        action: 'deleted',
        id: keyGuid,
        detail: { state: 'succeeded', type: 'delete' },
      },
    ]);
  });

  it('when a poll job finishes an async provision, the job publishes the instance change too', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, { operation: 'op-1' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'succeeded', description: 'ready' }),
    );
    const res = await request(w.app)
      .post('/v2/service_instances?accepts_incomplete=true')
      .set(dev())
      .send({
        name: 'fed-async',
        space_guid: world.spaceGuid,
        service_plan_guid: world.plans['svc-main-plan-1'],
      });
    expect(res.status).toBe(202);
    const guid = String(res.body.metadata.guid);
    await eventually(() =>
      seen.some((c) => c.id === guid && c.detail?.state === 'succeeded') ? true : undefined,
    );
    expect(
      seen.filter((c) => c.id === guid).map((c) => [c.action, c.detail?.type, c.detail?.state]),
    ).toEqual([
      ['created', 'create', 'in progress'],
      ['updated', 'create', 'in progress'],
      ['updated', 'create', 'succeeded'],
    ]);
  });
});
