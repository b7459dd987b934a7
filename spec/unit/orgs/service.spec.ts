import type { AuthContext } from '../../../src/auth/auth-context';
import { SCOPES } from '../../../src/auth/auth-context';
import { InProcessChangeFeed } from '../../../src/changes';
import type { Change } from '../../../src/changes';
import { ManualClock } from '../../../src/clock';
import { CfError } from '../../../src/http/cf-errors';
import { FakeOrgsStore } from '../../../src/orgs/fake-store';
import { OrgsService } from '../../../src/orgs/service';

function caller(
  userGuid: string,
  scopes: readonly string[] = [SCOPES.read, SCOPES.write],
): AuthContext {
  return { userGuid, userName: userGuid, email: undefined, clientId: 'cf', scopes };
}

const ADMIN = caller('admin', [SCOPES.admin, SCOPES.read, SCOPES.write]);

async function rejection(work: Promise<unknown>): Promise<CfError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError');
}

let store: FakeOrgsStore;
let service: OrgsService;
let published: Change[];

beforeEach(() => {
  store = new FakeOrgsStore(new ManualClock());
  const changes = new InProcessChangeFeed();
  published = [];
  changes.subscribe((change) => published.push(change));
  service = new OrgsService({ store, changes });
});

async function orgManagedBy(userGuid: string): Promise<{ orgGuid: string; userId: number }> {
  const user = store.addUser(userGuid);
  const org = await service.createOrganization({ name: `org-of-${userGuid}` });
  await store.addOrgRole(org.id, user.id, 'managers');
  await store.addOrgRole(org.id, user.id, 'users');
  return { orgGuid: org.guid, userId: user.id };
}

describe('OrgsService.updateOrganization: what an org manager may change', () => {
  it.each<[string, Parameters<OrgsService['updateOrganization']>[2], boolean]>([
    ['the name', { name: 'renamed' }, true],
    ['billing', { billingEnabled: true }, false],
    ['the status', { status: 'suspended' }, false],
    ['the name together with billing', { name: 'renamed', billingEnabled: true }, false],
  ])('%s: allowed=%s, and a refusal changes nothing', async (_name, command, allowed) => {
    const { orgGuid } = await orgManagedBy('mia');
    published = [];
    const attempt = service.updateOrganization(caller('mia'), orgGuid, command);
    if (allowed) {
      expect((await attempt).name).toBe('renamed');
      expect(published).toEqual([{ topic: 'organization', action: 'updated', id: orgGuid }]);
    } else {
      expect((await rejection(attempt)).code).toBe(10003);
      expect(store.organizations[0]).toMatchObject({ name: 'org-of-mia', billingEnabled: false });
      expect(published).toEqual([]);
    }
  });

  it('lets an admin change billing and status', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    const org = await service.updateOrganization(ADMIN, orgGuid, {
      billingEnabled: true,
      status: 'suspended',
    });
    expect(org).toMatchObject({ billingEnabled: true, status: 'suspended' });
  });

  it('refuses a manager of a suspended organization even a rename', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    await service.updateOrganization(ADMIN, orgGuid, { status: 'suspended' });
    expect(
      (await rejection(service.updateOrganization(caller('mia'), orgGuid, { name: 'x' }))).code,
    ).toBe(10003);
  });
});

describe('OrgsService roles', () => {
  it('adds the users role with any other org role', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    const bob = store.addUser('bob');
    await service.setOrgRole(caller('mia'), orgGuid, 'auditors', 'bob', true);
    expect(
      store.orgRoles
        .filter((r) => r.userId === bob.id)
        .map((r) => r.role)
        .sort(),
    ).toEqual(['auditors', 'users']);
    expect(published.at(-1)).toEqual({
      topic: 'user',
      action: 'updated',
      id: 'bob',
      detail: { organization: orgGuid, role: 'auditors', present: true },
    });
  });

  it('removing users takes every other role in the org and its spaces, and only there', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    const other = await orgManagedBy('olga');
    const bob = store.addUser('bob');
    await service.setOrgRole(ADMIN, orgGuid, 'managers', 'bob', true);
    await service.setOrgRole(ADMIN, other.orgGuid, 'users', 'bob', true);
    const here = await service.createSpace(ADMIN, { name: 'here', organizationGuid: orgGuid });
    const there = await service.createSpace(ADMIN, {
      name: 'there',
      organizationGuid: other.orgGuid,
    });
    await service.setSpaceRole(ADMIN, here.guid, 'developers', 'bob', true);
    await service.setSpaceRole(ADMIN, there.guid, 'developers', 'bob', true);

    await service.setOrgRole(ADMIN, orgGuid, 'users', 'bob', false);

    const theirOrg = await service.requireOrganization(other.orgGuid);
    expect(store.orgRoles.filter((r) => r.userId === bob.id)).toEqual([
      { organizationId: theirOrg.id, userId: bob.id, role: 'users' },
    ]);
    expect(store.spaceRoles.filter((r) => r.userId === bob.id)).toEqual([
      { spaceId: there.id, userId: bob.id, role: 'developers' },
    ]);
  });

  it('refuses a space role to a user outside the space organization', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    store.addUser('stranger');
    const space = await service.createSpace(caller('mia'), {
      name: 's',
      organizationGuid: orgGuid,
    });
    const err = await rejection(
      service.setSpaceRole(caller('mia'), space.guid, 'developers', 'stranger', true),
    );
    expect(err.toBody()).toMatchObject({ error_code: 'CF-InvalidRelation' });
    expect(store.spaceRoles).toEqual([]);
  });

  it('lets a space manager, but not a space developer, grant space roles', async () => {
    const { orgGuid } = await orgManagedBy('mia');
    const space = await service.createSpace(caller('mia'), {
      name: 's',
      organizationGuid: orgGuid,
    });
    for (const name of ['sam', 'dev', 'bob']) {
      store.addUser(name);
      await service.setOrgRole(ADMIN, orgGuid, 'users', name, true);
    }
    await service.setSpaceRole(ADMIN, space.guid, 'managers', 'sam', true);
    await service.setSpaceRole(ADMIN, space.guid, 'developers', 'dev', true);
    await service.setSpaceRole(caller('sam'), space.guid, 'auditors', 'bob', true);
    const err = await rejection(
      service.setSpaceRole(caller('dev'), space.guid, 'managers', 'dev', true),
    );
    expect(err.code).toBe(10003);
  });
});

describe('OrgsService deletes', () => {
  it.each<[string, boolean, string[], string | undefined]>([
    ['an org with a space, not recursive', false, [], 'spaces'],
    ['an org with a space, recursive', true, [], undefined],
    [
      'an org whose space holds an instance, recursive',
      true,
      ['service_instances'],
      'service_instances',
    ],
    ['an org whose space holds a broker, recursive', true, ['service_brokers'], 'service_brokers'],
  ])('%s', async (_name, recursive, dependents, refusedFor) => {
    const org = await service.createOrganization({ name: 'o' });
    const space = await service.createSpace(ADMIN, { name: 's', organizationGuid: org.guid });
    if (dependents.length > 0) store.dependents.set(space.id, dependents);
    published = [];
    const attempt = service.deleteOrganization(org.guid, recursive);
    if (refusedFor === undefined) {
      await attempt;
      expect(store.organizations).toEqual([]);
      expect(store.spaces).toEqual([]);
      expect(published).toEqual([{ topic: 'organization', action: 'deleted', id: org.guid }]);
    } else {
      const err = await rejection(attempt);
      expect(err.toBody()).toMatchObject({ error_code: 'CF-AssociationNotEmpty' });
      expect(err.message).toContain(refusedFor);
      expect(store.organizations).toHaveLength(1);
      expect(store.spaces).toHaveLength(1);
      expect(published).toEqual([]);
    }
  });
});

describe('OrgsService creates', () => {
  it('answers a taken name with 30002 and publishes only the first create', async () => {
    const first = await service.createOrganization({ name: 'dup' });
    const err = await rejection(service.createOrganization({ name: 'dup' }));
    expect(err.toBody()).toMatchObject({ error_code: 'CF-OrganizationNameTaken' });
    expect(published).toEqual([{ topic: 'organization', action: 'created', id: first.guid }]);
  });

  it('applies the defaults of a create command', async () => {
    const org = await service.createOrganization({ name: 'plain' });
    expect(org).toMatchObject({ status: 'active', billingEnabled: false });
    const space = await service.createSpace(ADMIN, { name: 's', organizationGuid: org.guid });
    expect(space.allowSsh).toBe(true);
  });
});
