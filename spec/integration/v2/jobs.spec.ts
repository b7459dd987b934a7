import request from 'supertest';
import { FakeBroker, reply } from '../../support/fake-broker';
import {
  eventually,
  instanceCatalog,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { bearer } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const INSTANCE = '/v2/service_instances/:instance_id';

describe('DELETE /v2/service_instances/:guid?async=true and GET /v2/jobs/:guid', () => {
  let w: TestWharf;
  let broker: FakeBroker;
  let world: BrokerWorld;
  let n = 0;

  beforeAll(async () => {
    w = await startInstancesWharf();
    broker = await FakeBroker.start({ catalog: instanceCatalog() });
    world = await setUpBrokerWorld(w, broker);
  });
  afterAll(async () => {
    await w.stop();
    await broker.close();
  });

  async function createInstance(): Promise<string> {
    const planGuid = world.plans['svc-main-plan-1'] ?? '';
    const res = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(world.developer.token))
      .send({ name: `job-${++n}`, space_guid: world.spaceGuid, service_plan_guid: planGuid });
    expect(res.status).toBe(201);
    return String(res.body.metadata.guid);
  }

  function job(guid: string): request.Test {
    return request(w.app).get(`/v2/jobs/${guid}`).set(bearer(world.developer.token));
  }

  it('when the broker deletes, answers 202 with a queued job that finishes and the instance is gone', async () => {
    const guid = await createInstance();
    const res = await request(w.app)
      .delete(`/v2/service_instances/${guid}?async=true`)
      .set(bearer(world.developer.token));
    expect(res.status).toBe(202);
    const jobGuid = String(res.body.metadata.guid);
    expect(res.headers.location).toBe(`/v2/jobs/${jobGuid}`);
    expect(res.body).toEqual({
      metadata: {
        guid: jobGuid,
        created_at: expect.stringMatching(/Z$/),
        url: `/v2/jobs/${jobGuid}`,
      },
      entity: { guid: jobGuid, status: expect.stringMatching(/^(queued|running|finished)$/) },
    });
    const done = await eventually(
      async () => {
        const r = await job(jobGuid);
        return r.body.entity.status === 'finished' ? r : undefined;
      },
      5000,
      'job finished',
    );
    expect(done.status).toBe(200);
    const gone = await request(w.app)
      .get(`/v2/service_instances/${guid}`)
      .set(bearer(world.developer.token));
    expect(gone.status).toBe(404);
    expect(broker.requestsTo('DELETE', INSTANCE).some((r) => r.path.endsWith(guid))).toBe(true);
  });

  it('when the broker fails the delete, the job fails with the CF error in error_details and the instance stays', async () => {
    const guid = await createInstance();
    broker.on('DELETE', INSTANCE, reply.status(500, { description: 'cannot delete now' }));
    const res = await request(w.app)
      .delete(`/v2/service_instances/${guid}?async=true`)
      .set(bearer(world.developer.token));
    expect(res.status).toBe(202);
    const failed = await eventually(
      async () => {
        const r = await job(String(res.body.metadata.guid));
        return r.body.entity.status === 'failed' ? r : undefined;
      },
      5000,
      'job failed',
    );
    expect(failed.body.entity.error_details).toEqual({
      code: 10001,
      error_code: 'CF-ServiceBrokerBadResponse',
      description: expect.stringContaining('cannot delete now'),
    });
    broker.reset();
    const still = await request(w.app)
      .get(`/v2/service_instances/${guid}`)
      .set(bearer(world.developer.token));
    expect(still.status).toBe(200);
  });

  it('when the caller may not delete the instance, answers 403 at once and queues nothing', async () => {
    const guid = await createInstance();
    const outsider = w.tokenFor(await w.createUser(`outsider-${n}`));
    const before = await w.knex('jobs').count({ c: '*' }).first();
    const res = await request(w.app)
      .delete(`/v2/service_instances/${guid}?async=true`)
      .set(bearer(outsider));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(10003);
    expect(await w.knex('jobs').count({ c: '*' }).first()).toEqual(before);
  });

  it('when the job is unknown, answers 404 10000', async () => {
    const res = await job('no-such-job');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(10000);
  });
});
