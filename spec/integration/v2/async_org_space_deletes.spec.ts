import request from 'supertest';
import { expectCfError, NOT_AUTHORIZED } from '../../support/cf-expect';
import { FakeBroker, reply } from '../../support/fake-broker';
import {
  createTenant,
  drainJobs,
  eventually,
  INSTANCE_TABLES,
  instanceCatalog,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { createOrg, createSpace } from '../../support/orgs';
import { bearer, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const INSTANCE = '/v2/service_instances/:instance_id';

let w: TestWharf;
let broker: FakeBroker;
let world: BrokerWorld;
let n = 0;

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  world = await setUpBrokerWorld(w, broker);
});
afterEach(async () => {
  await drainJobs(w);
  broker.reset();
});
afterAll(async () => {
  await w.stop();
  await broker.close();
});

async function createInstance(
  spaceGuid: string,
  token = w.adminToken,
): Promise<{ guid: string; name: string }> {
  const name = `si-${++n}`;
  const res = await request(w.app)
    .post('/v2/service_instances')
    .set(bearer(token))
    .send({ name, space_guid: spaceGuid, service_plan_guid: world.plans['svc-main-plan-1'] });
  if (res.status !== 201) throw new Error(`create instance: ${res.status} ${res.text}`);
  return { guid: String(res.body.metadata.guid), name };
}

/** Polls the job as the CLI does, until it is finished or failed. */
async function settledJob(jobGuid: string): Promise<request.Response> {
  return eventually(
    async () => {
      const res = await request(w.app).get(`/v2/jobs/${jobGuid}`).set(bearer(w.adminToken));
      return ['finished', 'failed'].includes(res.body.entity.status) ? res : undefined;
    },
    8000,
    `job ${jobGuid}`,
  );
}

function expectJob202(res: request.Response): string {
  expect(res.status).toBe(202);
  const guid = String(res.body.entity.guid);
  expect(res.body.metadata).toEqual({
    guid,
    created_at: expect.stringMatching(/Z$/),
    url: `/v2/jobs/${guid}`,
  });
  expect(res.headers.location).toBe(`/v2/jobs/${guid}`);
  return guid;
}

describe('cf delete-space: DELETE /v2/spaces/:guid?async=true&recursive=true', () => {
  it('answers 202 with a job whose entity.guid the CLI polls; the instance goes through its broker, then the space', async () => {
    const tenant = await createTenant(w, 'del-space');
    const instance = await createInstance(tenant.spaceGuid);

    const res = await request(w.app)
      .delete(`/v2/spaces/${tenant.spaceGuid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));

    const job = await settledJob(expectJob202(res));
    expect(job.body.entity).toEqual({ guid: job.body.metadata.guid, status: 'finished' });
    expect(broker.requestsTo('DELETE', INSTANCE).some((r) => r.path.includes(instance.guid))).toBe(
      true,
    );
    const space = await request(w.app)
      .get(`/v2/spaces/${tenant.spaceGuid}`)
      .set(bearer(w.adminToken));
    expect(space.status).toBe(404);
    const gone = await request(w.app)
      .get(`/v2/service_instances/${instance.guid}`)
      .set(bearer(w.adminToken));
    expect(gone.status).toBe(404);
  });

  it('when the broker deletes asynchronously, the job polls last_operation and finishes after it', async () => {
    const tenant = await createTenant(w, 'del-async');
    const instance = await createInstance(tenant.spaceGuid);
    broker.on('DELETE', INSTANCE, reply.json(202, { operation: 'bye' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress' }),
      reply.json(200, { state: 'succeeded' }),
    );

    const res = await request(w.app)
      .delete(`/v2/spaces/${tenant.spaceGuid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));

    const job = await settledJob(expectJob202(res));
    expect(job.body.entity.status).toBe('finished');
    expect(
      broker
        .requestsTo('GET', `${INSTANCE}/last_operation`)
        .some((r) => r.path.includes(instance.guid)),
    ).toBe(true);
  });

  it('when the broker refuses, the job fails saying which instance and why, and the space stays', async () => {
    const tenant = await createTenant(w, 'del-fail');
    const instance = await createInstance(tenant.spaceGuid);
    broker.on('DELETE', INSTANCE, reply.status(500, { description: 'disk on fire' }));

    const res = await request(w.app)
      .delete(`/v2/spaces/${tenant.spaceGuid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));

    const job = await settledJob(expectJob202(res));
    expect(job.body.entity.status).toBe('failed');
    expect(job.body.entity.error_details).toMatchObject({
      code: 290008,
      error_code: 'CF-SpaceDeletionFailed',
    });
    expect(job.body.entity.error_details.description).toBe(
      `Deletion of space space-del-fail failed because one or more resources within could not be deleted.\n\n\tService instance ${instance.name}: Service broker error: disk on fire`,
    );
    const space = await request(w.app)
      .get(`/v2/spaces/${tenant.spaceGuid}`)
      .set(bearer(w.adminToken));
    expect(space.status).toBe(200);
  });

  it('without recursive, a space with an instance answers 400 10006 now and queues nothing', async () => {
    const tenant = await createTenant(w, 'del-nonrec');
    await createInstance(tenant.spaceGuid);
    const before = await snapshot(w.knex, INSTANCE_TABLES);

    const res = await request(w.app)
      .delete(`/v2/spaces/${tenant.spaceGuid}?async=true`)
      .set(bearer(w.adminToken));

    expectCfError(res, 400, {
      description: 'Please delete the service_instances associations for your spaces.',
      error_code: 'CF-AssociationNotEmpty',
      code: 10006,
    });
    expect(await snapshot(w.knex, INSTANCE_TABLES)).toEqual(before);
  });

  it('a space developer may not delete the space: 403 10003, nothing queued', async () => {
    const tenant = await createTenant(w, 'del-dev');
    const before = await snapshot(w.knex, INSTANCE_TABLES);

    const res = await request(w.app)
      .delete(`/v2/spaces/${tenant.spaceGuid}?async=true&recursive=true`)
      .set(bearer(tenant.developer.token));

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, INSTANCE_TABLES)).toEqual(before);
  });

  it('an unknown space answers 404 CF-SpaceNotFound', async () => {
    const res = await request(w.app)
      .delete('/v2/spaces/nope?async=true&recursive=true')
      .set(bearer(w.adminToken));

    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('CF-SpaceNotFound');
  });

  it('without async, an empty space is still deleted with 204', async () => {
    const orgGuid = await createOrg(w, `sync-${++n}`);
    const spaceGuid = await createSpace(w, orgGuid, 'empty');

    const res = await request(w.app).delete(`/v2/spaces/${spaceGuid}`).set(bearer(w.adminToken));

    expect(res.status).toBe(204);
  });
});

describe('cf delete-org: DELETE /v2/organizations/:guid?async=true&recursive=true', () => {
  it('deletes every instance of every space through the broker, then the org', async () => {
    const orgGuid = await createOrg(w, `org-del-${++n}`);
    const one = await createSpace(w, orgGuid, 'one');
    const two = await createSpace(w, orgGuid, 'two');
    const a = await createInstance(one);
    const b = await createInstance(two);

    const res = await request(w.app)
      .delete(`/v2/organizations/${orgGuid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));

    const job = await settledJob(expectJob202(res));
    expect(job.body.entity.status).toBe('finished');
    const deleted = broker.requestsTo('DELETE', INSTANCE).map((r) => r.path);
    expect(deleted.some((p) => p.includes(a.guid))).toBe(true);
    expect(deleted.some((p) => p.includes(b.guid))).toBe(true);
    const org = await request(w.app).get(`/v2/organizations/${orgGuid}`).set(bearer(w.adminToken));
    expect(org.status).toBe(404);
  });

  it('when an instance cannot go, fails with CF-OrganizationDeletionFailed and keeps the org', async () => {
    const orgName = `org-keep-${++n}`;
    const orgGuid = await createOrg(w, orgName);
    const space = await createSpace(w, orgGuid, 'keep');
    const instance = await createInstance(space);
    broker.on('DELETE', INSTANCE, reply.status(422, { error: 'ConcurrencyError' }));

    const res = await request(w.app)
      .delete(`/v2/organizations/${orgGuid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));

    const job = await settledJob(expectJob202(res));
    expect(job.body.entity.status).toBe('failed');
    expect(job.body.entity.error_details.error_code).toBe('CF-OrganizationDeletionFailed');
    expect(job.body.entity.error_details.description).toBe(
      `Deletion of organization ${orgName} failed because one or more resources within could not be deleted.\n\n\tAn operation for service instance ${instance.name} is in progress.`,
    );
    const org = await request(w.app).get(`/v2/organizations/${orgGuid}`).set(bearer(w.adminToken));
    expect(org.status).toBe(200);
  });

  it('without recursive, an org with spaces answers 400 10006 and queues nothing', async () => {
    const orgGuid = await createOrg(w, `org-nonrec-${++n}`);
    await createSpace(w, orgGuid, 'stays');
    const before = await snapshot(w.knex, INSTANCE_TABLES);

    const res = await request(w.app)
      .delete(`/v2/organizations/${orgGuid}?async=true`)
      .set(bearer(w.adminToken));

    expectCfError(res, 400, {
      description: 'Please delete the spaces associations for your organizations.',
      error_code: 'CF-AssociationNotEmpty',
      code: 10006,
    });
    expect(await snapshot(w.knex, INSTANCE_TABLES)).toEqual(before);
  });

  it('a non-admin answers 403 10003 and nothing is queued', async () => {
    const before = await snapshot(w.knex, INSTANCE_TABLES);

    const res = await request(w.app)
      .delete(`/v2/organizations/${world.orgGuid}?async=true&recursive=true`)
      .set(bearer(world.developer.token));

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, INSTANCE_TABLES)).toEqual(before);
  });
});
