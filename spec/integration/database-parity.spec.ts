import request from 'supertest';
import { testDatabaseKind } from '../support/test-database';
import { createOrg, createSpace } from '../support/orgs';
import { bearer, startTestWharf } from '../support/test-wharf';
import type { TestWharf } from '../support/test-wharf';

/**
 * Answers that could depend on the database: the suite runs on SQLite and on PostgreSQL (with an
 * en-US collation, where "~" sorts before letters and "a" before "B"), and both must agree.
 */
describe(`text order and comparisons on ${testDatabaseKind()}`, () => {
  let w: TestWharf;
  // Bytewise: upper case before lower case, "~" after both.
  const names = ['par-~tilde', 'par-b', 'par-B', 'par-a', 'par-1'];
  const bytewise = ['par-1', 'par-B', 'par-a', 'par-b', 'par-~tilde'];
  let orgGuid: string;

  beforeAll(async () => {
    w = await startTestWharf();
    for (const name of names) orgGuid = await createOrg(w, name);
    for (const name of names) await createSpace(w, orgGuid, name);
  });
  afterAll(async () => {
    await w.stop();
  });

  const namesOf = (body: { resources: { entity: { name: string } }[] }): string[] =>
    body.resources.map((r) => r.entity.name);

  it.each([
    ['organizations', '/v2/organizations'],
    ['spaces', '/v2/spaces'],
  ])('when %s are ordered by name, answers them in byte order both ways', async (_what, path) => {
    const q = `q=${encodeURIComponent('name IN ' + names.join(','))}`;
    const asc = await request(w.app).get(`${path}?${q}&order-by=name`).set(bearer(w.adminToken));
    expect(asc.status).toBe(200);
    expect(namesOf(asc.body)).toEqual(bytewise);
    const desc = await request(w.app)
      .get(`${path}?${q}&order-by=name&order-direction=desc`)
      .set(bearer(w.adminToken));
    expect(namesOf(desc.body)).toEqual([...bytewise].reverse());
  });

  it.each<[string, string[]]>([
    ['name>par-Z', ['par-a', 'par-b', 'par-~tilde']],
    ['name<par-a', ['par-1', 'par-B']],
    ['name>=par-b;name<=par-~', ['par-b']],
    ['name<par-~', ['par-1', 'par-B', 'par-a', 'par-b']],
  ])('when organizations are filtered by %s, compares bytes', async (filter, expected) => {
    const res = await request(w.app)
      .get(`/v2/organizations?q=${encodeURIComponent(filter)}&order-by=name`)
      .set(bearer(w.adminToken));
    expect(res.status).toBe(200);
    expect(namesOf(res.body).filter((n) => n.startsWith('par-'))).toEqual(expected);
  });

  it.each([
    ['organizations', '/v2/organizations'],
    ['spaces', '/v2/spaces'],
  ])(
    'when %s are filtered by name equality, match any case on both databases (CC keeps these names as citext)',
    async (_what, path) => {
      const res = await request(w.app)
        .get(`${path}?q=${encodeURIComponent('name:PAR-b')}`)
        .set(bearer(w.adminToken));
      expect(namesOf(res.body)).toEqual(['par-b', 'par-B']);
    },
  );
});
