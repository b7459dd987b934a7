import request from 'supertest';
import { badQueryParameter, expectCfError } from '../../support/cf-expect';
import { FakeBroker } from '../../support/fake-broker';
import { instanceCatalog, setUpBrokerWorld } from '../../support/instances';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

interface Res {
  metadata: { guid: string };
  entity: Record<string, unknown>;
}

let w: TestWharf;
let orgGuid: string;
let spaceGuid: string;
let devGuid: string;
let devToken: string;
let quotaGuid: string;

const guidsOf = (list: unknown): string[] => (list as Res[]).map((r) => r.metadata.guid);

beforeAll(async () => {
  w = await startTestWharf();
  orgGuid = await createOrg(w, 'acme');
  spaceGuid = await createSpace(w, orgGuid, 'dev');
  const dev = await w.createUser('inline-dev');
  devGuid = dev.guid;
  await grantOrgRole(w, orgGuid, 'users', dev.guid);
  await grantSpaceRole(w, spaceGuid, 'developers', dev.guid);
  devToken = w.tokenFor(dev);
  const quotas = await request(w.app).get('/v2/quota_definitions').set(bearer(w.adminToken));
  quotaGuid = String(quotas.body.resources[0].metadata.guid);
});
afterAll(async () => {
  await w.stop();
});

describe('GET /v2/organizations with inline-relations-depth=1 (cf update-service -p, legacy)', () => {
  it('embeds the quota definition, the spaces and the role holders beside their URLs', async () => {
    const res = await request(w.app)
      .get('/v2/organizations?q=name%3Aacme&inline-relations-depth=1')
      .set(bearer(devToken));

    expect(res.status).toBe(200);
    expect(res.body.total_results).toBe(1);
    const org: Res = res.body.resources[0];
    expect(org.metadata.guid).toBe(orgGuid);
    expect(org.entity.quota_definition_url).toBe(`/v2/quota_definitions/${quotaGuid}`);
    expect(org.entity.quota_definition).toMatchObject({
      metadata: { guid: quotaGuid },
      entity: { name: 'default' },
    });
    expect(guidsOf(org.entity.spaces)).toEqual([spaceGuid]);
    expect((org.entity.spaces as Res[])[0]?.entity).toMatchObject({
      name: 'dev',
      organization_guid: orgGuid,
    });
    // At depth 1 the embedded space embeds nothing of its own.
    expect((org.entity.spaces as Res[])[0]?.entity).not.toHaveProperty('developers');
    expect(guidsOf(org.entity.users)).toEqual([devGuid]);
    expect(org.entity.managers).toEqual([]);
    expect(org.entity.billing_managers).toEqual([]);
    expect(org.entity.auditors).toEqual([]);
    expect(org.entity.spaces_url).toBe(`/v2/organizations/${orgGuid}/spaces`);
  });

  it('the same on GET /v2/organizations/:guid', async () => {
    const res = await request(w.app)
      .get(`/v2/organizations/${orgGuid}?inline-relations-depth=1`)
      .set(bearer(devToken));

    expect(res.status).toBe(200);
    expect(guidsOf(res.body.entity.spaces)).toEqual([spaceGuid]);
    expect(res.body.entity.quota_definition.metadata.guid).toBe(quotaGuid);
  });

  it('without the parameter embeds nothing', async () => {
    const res = await request(w.app).get(`/v2/organizations/${orgGuid}`).set(bearer(devToken));

    for (const key of ['quota_definition', 'spaces', 'users', 'managers'])
      expect(res.body.entity).not.toHaveProperty(key);
  });
});

describe('GET /v2/spaces with inline-relations-depth', () => {
  it('depth 1 embeds the organization and the role holders', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceGuid}?inline-relations-depth=1`)
      .set(bearer(devToken));

    expect(res.status).toBe(200);
    expect(res.body.entity.organization).toMatchObject({
      metadata: { guid: orgGuid },
      entity: { name: 'acme' },
    });
    expect(res.body.entity.organization.entity).not.toHaveProperty('quota_definition');
    expect(guidsOf(res.body.entity.developers)).toEqual([devGuid]);
    expect(res.body.entity.managers).toEqual([]);
    expect(res.body.entity.auditors).toEqual([]);
  });

  it('depth 2 embeds the organization’s relations too, except the way back to spaces', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces?q=name%3Adev&inline-relations-depth=2`)
      .set(bearer(devToken));

    const org = res.body.resources[0].entity.organization;
    expect(org.entity.quota_definition.metadata.guid).toBe(quotaGuid);
    expect(guidsOf(org.entity.users)).toEqual([devGuid]);
    expect(org.entity).not.toHaveProperty('spaces');
  });

  it('depth 2 on an organization embeds its spaces’ role holders, not their organization', async () => {
    const res = await request(w.app)
      .get(`/v2/organizations/${orgGuid}/spaces?inline-relations-depth=2`)
      .set(bearer(devToken));

    expect(res.status).toBe(200);
    expect(res.body.resources[0].entity).toHaveProperty('organization');
    const nested = await request(w.app)
      .get(`/v2/organizations/${orgGuid}?inline-relations-depth=2`)
      .set(bearer(devToken));
    const space: Res = nested.body.entity.spaces[0];
    expect(guidsOf(space.entity.developers)).toEqual([devGuid]);
    expect(space.entity).not.toHaveProperty('organization');
  });

  it('keeps inline-relations-depth in next_url', async () => {
    const other = await createOrg(w, 'paged');
    await createSpace(w, other, 'p1');
    await createSpace(w, other, 'p2');

    const res = await request(w.app)
      .get(`/v2/spaces?q=organization_guid%3A${other}&results-per-page=1&inline-relations-depth=1`)
      .set(bearer(w.adminToken));

    expect(res.body.next_url).toContain('inline-relations-depth=1');
    expect(res.body.resources[0].entity.organization.metadata.guid).toBe(other);
  });

  it('depth 3 answers 400 10005', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceGuid}?inline-relations-depth=3`)
      .set(bearer(devToken));

    expectCfError(res, 400, badQueryParameter('inline_relations_depth must be <= 2'));
  });
});

describe('a to-many relation with more than 50 members', () => {
  it('is not embedded (only its URL), while the smaller ones are', async () => {
    const big = await createOrg(w, 'big');
    for (let i = 0; i < 51; i++) await createSpace(w, big, `s-${String(i)}`);

    const res = await request(w.app)
      .get(`/v2/organizations/${big}?inline-relations-depth=1`)
      .set(bearer(w.adminToken));

    expect(res.body.entity).not.toHaveProperty('spaces');
    expect(res.body.entity.spaces_url).toBe(`/v2/organizations/${big}/spaces`);
    expect(res.body.entity.users).toEqual([]);
  });
});

describe('a space’s own service instances', () => {
  let broker: FakeBroker;

  beforeAll(async () => {
    broker = await FakeBroker.start({ catalog: instanceCatalog() });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('are embedded at depth 1 (both kinds), each at depth 2 with its plan but never its space', async () => {
    const world = await setUpBrokerWorld(w, broker, { label: 'inline' });
    const managed = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(world.developer.token))
      .send({
        name: 'db',
        space_guid: world.spaceGuid,
        service_plan_guid: world.plans['svc-main-plan-1'],
      });
    expect(managed.status).toBe(201);
    const upsi = await request(w.app)
      .post('/v2/user_provided_service_instances')
      .set(bearer(world.developer.token))
      .send({ name: 'ups', space_guid: world.spaceGuid });
    expect(upsi.status).toBe(201);

    const depth1 = await request(w.app)
      .get(`/v2/spaces/${world.spaceGuid}?inline-relations-depth=1`)
      .set(bearer(world.developer.token));
    const depth2 = await request(w.app)
      .get(`/v2/spaces/${world.spaceGuid}?inline-relations-depth=2`)
      .set(bearer(world.developer.token));

    expect(guidsOf(depth1.body.entity.service_instances)).toEqual([
      managed.body.metadata.guid,
      upsi.body.metadata.guid,
    ]);
    const plain: Res = depth1.body.entity.service_instances[0];
    expect(plain.entity).not.toHaveProperty('service_plan');
    const inlined: Res = depth2.body.entity.service_instances[0];
    expect(inlined.entity.service_plan).toMatchObject({
      metadata: { guid: world.plans['svc-main-plan-1'] },
    });
    expect(inlined.entity).not.toHaveProperty('space');
    expect(depth1.body.entity.service_instances_url).toBe(
      `/v2/spaces/${world.spaceGuid}/service_instances`,
    );
  });
});
