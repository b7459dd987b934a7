import request from 'supertest';
import { FakeBroker, generateCatalog } from '../../support/fake-broker';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

describe('GET /v2/spaces/:guid/summary', () => {
  let w: TestWharf;
  let broker: FakeBroker;
  let spaceGuid: string;
  let devToken: string;
  let outsiderToken: string;
  let instanceGuid: string;
  let planGuid: string;
  let serviceGuid: string;

  beforeAll(async () => {
    w = await startTestWharf();
    broker = await FakeBroker.start({ catalog: generateCatalog(1, 1) });
    const conn = broker.connection();
    const registered = await request(w.app)
      .post('/v2/service_brokers')
      .set(bearer(w.adminToken))
      .send({
        name: 'b',
        broker_url: conn.url,
        auth_username: conn.username,
        auth_password: conn.password,
      });
    expect(registered.status).toBe(201);
    const plans = await request(w.app).get('/v2/service_plans').set(bearer(w.adminToken));
    planGuid = String(plans.body.resources[0].metadata.guid);
    serviceGuid = String(plans.body.resources[0].entity.service_guid);
    await request(w.app)
      .put(`/v2/service_plans/${planGuid}`)
      .set(bearer(w.adminToken))
      .send({ public: true });
    const org = await createOrg(w, 'summary-org');
    spaceGuid = await createSpace(w, org, 'summary-space');
    const dev = await w.createUser('summary-dev');
    await grantOrgRole(w, org, 'users', dev.guid);
    await grantSpaceRole(w, spaceGuid, 'developers', dev.guid);
    devToken = w.tokenFor(dev);
    outsiderToken = w.tokenFor(await w.createUser('summary-outsider'));
    const created = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(devToken))
      .send({ name: 'db', space_guid: spaceGuid, service_plan_guid: planGuid });
    expect(created.status).toBe(201);
    instanceGuid = String(created.body.metadata.guid);
  });
  afterAll(async () => {
    await w.stop();
    await broker.close();
  });

  it('when a developer asks, answers the space with its instances, plans and services, and no apps', async () => {
    const res = await request(w.app).get(`/v2/spaces/${spaceGuid}/summary`).set(bearer(devToken));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      guid: spaceGuid,
      name: 'summary-space',
      apps: [],
      services: [
        {
          guid: instanceGuid,
          name: 'db',
          bound_app_count: 0,
          last_operation: {
            type: 'create',
            state: 'succeeded',
            description: '',
            updated_at: expect.stringMatching(/Z$/),
            created_at: expect.stringMatching(/Z$/),
          },
          dashboard_url: null,
          shared_from: null,
          shared_to: [],
          // Copied from the plan at create (the generated catalog's plans carry 1.0.0).
          maintenance_info: { version: '1.0.0' },
          service_plan: {
            guid: planGuid,
            name: expect.any(String),
            maintenance_info: { version: '1.0.0' },
            service: {
              guid: serviceGuid,
              label: expect.any(String),
              provider: null,
              version: null,
            },
          },
        },
      ],
    });
  });

  it('when a user without a role in the space asks, answers 403 10003', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceGuid}/summary`)
      .set(bearer(outsiderToken));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(10003);
  });

  it('when the space does not exist, answers 404 40004', async () => {
    const res = await request(w.app).get('/v2/spaces/no-such-space/summary').set(bearer(devToken));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(40004);
  });
});
