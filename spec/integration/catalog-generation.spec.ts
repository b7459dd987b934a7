import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Wharf } from '../../src/app';
import { GenerationStore } from '../../src/catalog';
import { catalogHelpers } from '../support/catalog-world';
import { createOrg, createSpace } from '../support/orgs';
import { testDatabaseKind } from '../support/test-database';
import { bearer, startPeerWharf, startTestWharf } from '../support/test-wharf';
import type { TestWharf } from '../support/test-wharf';

/**
 * Issue 10 item 5: the catalog generation across processes of one installation. `first` and
 * `second` are two Wharfs with their own connection pools on one database; catalog list pages
 * are cached per generation in each of them.
 */
const onPostgres = testDatabaseKind() === 'postgres';

let first: TestWharf;
let second: Wharf;
const helpers = catalogHelpers(() => first);

beforeAll(async () => {
  first = await startTestWharf();
  second = await startPeerWharf(first);
});
afterAll(async () => {
  await second.close();
  await first.stop();
});

const generationOf = async (knex: Knex): Promise<number> =>
  (await new GenerationStore(knex).read()).generation;

async function createService(app: Wharf['app'], label: string): Promise<string> {
  const res = await request(app)
    .post('/v2/services')
    .set(bearer(first.adminToken))
    .send({ label, description: `${label} service` });
  if (res.status !== 201) throw new Error(`create ${label}: ${res.status} ${res.text}`);
  return String(res.body.metadata.guid);
}

/** The labels on the admin's cached services page (one page holds every service of a spec). */
async function labelsSeenBy(app: Wharf['app']): Promise<string[]> {
  const res = await request(app)
    .get('/v2/services?results-per-page=100')
    .set(bearer(first.adminToken));
  expect(res.status).toBe(200);
  return (res.body as { resources: { entity: { label: string } }[] }).resources.map(
    (r) => r.entity.label,
  );
}

describe(`catalog pages across two processes on ${testDatabaseKind()}`, () => {
  it('when writes in one process race reads in the other, every read after a commit reflects it', async () => {
    let reading = true;
    // Keeps the reader's page cache busy with the state just before each commit.
    const hammer = async (app: Wharf['app']): Promise<void> => {
      while (reading) await labelsSeenBy(app);
    };
    const readers = [hammer(second.app), hammer(first.app)];
    try {
      for (let i = 0; i < 12; i++) {
        const [writer, reader] = i % 2 === 0 ? [first, second] : [second, first];
        const label = `race-${i}-${randomUUID().slice(0, 8)}`;
        const guid = await createService(writer.app, label);
        expect(await labelsSeenBy(reader.app)).toContain(label);
        const renamed = `${label}-renamed`;
        const put = await request(writer.app)
          .put(`/v2/services/${guid}`)
          .set(bearer(first.adminToken))
          .send({ label: renamed });
        expect(put.status).toBe(201);
        const seen = await labelsSeenBy(reader.app);
        expect(seen).toContain(renamed);
        expect(seen).not.toContain(label);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
  });

  it('when an instance changes only its last operation, the generation stays; when it changes plan, it moves', async () => {
    const org = await createOrg(first, `gen-org-${randomUUID().slice(0, 8)}`);
    const space = await createSpace(first, org, 'gen-space');
    const service = await createService(first.app, `gen-svc-${randomUUID().slice(0, 8)}`);
    const planA = await helpers.createPlan(service, { name: 'gen-a' });
    const planB = await helpers.createPlan(service, { name: 'gen-b' });
    const beforeInsert = await generationOf(first.knex);
    const instanceId = await helpers.insertInstance(planA, space, 'gen-instance');
    const instance: { guid: string } = await first
      .knex('service_instances')
      .where({ id: instanceId })
      .first('guid');
    const afterInsert = await generationOf(second.knex);
    expect(afterInsert).toBeGreaterThan(beforeInsert);

    const filtered = `/v2/service_plans?q=${encodeURIComponent(`service_instance_guid:${instance.guid}`)}`;
    const plansOf = async (app: Wharf['app']): Promise<string[]> =>
      (
        (await request(app).get(filtered).set(bearer(first.adminToken))).body as {
          resources: { metadata: { guid: string } }[];
        }
      ).resources.map((r) => r.metadata.guid);
    expect(await plansOf(second.app)).toEqual([planA]);

    for (const state of ['in progress', 'succeeded']) {
      await first
        .knex('service_instances')
        .where({ id: instanceId })
        .update({
          last_operation_type: 'create',
          last_operation_state: state,
          name: `gen-instance-${state}`,
          updated_at: new Date().toISOString(),
        });
    }
    expect(await generationOf(second.knex)).toBe(afterInsert);

    await first
      .knex('service_instances')
      .where({ id: instanceId })
      .update({ service_plan_id: (await planIdOf(planB)) ?? 0 });
    expect(await generationOf(second.knex)).toBeGreaterThan(afterInsert);
    expect(await plansOf(second.app)).toEqual([planB]);

    const beforeDelete = await generationOf(first.knex);
    await first.knex('service_instances').where({ id: instanceId }).delete();
    expect(await generationOf(second.knex)).toBeGreaterThan(beforeDelete);
    expect(await plansOf(second.app)).toEqual([]);
  });
});

async function planIdOf(guid: string): Promise<number | undefined> {
  const row: { id: number | string } | undefined = await first
    .knex('service_plans')
    .where({ guid })
    .first('id');
  return row === undefined ? undefined : Number(row.id);
}

/** Resolves `'blocked'` if `work` has not settled within `ms` (it is still awaited afterwards). */
async function withinOrBlocked<T>(work: Promise<T>, ms: number): Promise<T | 'blocked'> {
  let timer: NodeJS.Timeout | undefined;
  const blocked = new Promise<'blocked'>((resolve) => {
    timer = setTimeout(() => {
      resolve('blocked');
    }, ms);
  });
  try {
    return await Promise.race([work, blocked]);
  } finally {
    clearTimeout(timer);
  }
}

// Concurrent write transactions exist on PostgreSQL only (SQLite admits one writer at a time), so
// these cases are defined for the PostgreSQL run alone.
const describeConcurrentWriters = onPostgres ? describe : (): void => undefined;
describeConcurrentWriters('concurrent catalog writers on postgres', () => {
  it('when a transaction that wrote spaces stays open in one process, the other process writes the catalog without waiting', async () => {
    const org = await createOrg(first, `held-org-${randomUUID().slice(0, 8)}`);
    const space = await createSpace(first, org, 'held-space');
    const holder = first.database.connect();
    const trx = await holder.transaction();
    try {
      await trx('spaces').where({ guid: space }).update({ name: 'held-space-renamed' });
      const generation = await generationOf(second.knex);
      const created = await withinOrBlocked(
        request(second.app)
          .post('/v2/organizations')
          .set(bearer(first.adminToken))
          .send({ name: `beside-${randomUUID().slice(0, 8)}` }),
        10_000,
      );
      expect(created === 'blocked' ? 'blocked' : created.status).toBe(201);
      const label = `beside-svc-${randomUUID().slice(0, 8)}`;
      await createService(second.app, label);
      expect(await labelsSeenBy(second.app)).toContain(label);
      expect(await generationOf(second.knex)).toBeGreaterThan(generation);

      const beforeCommit = await generationOf(second.knex);
      await trx.commit();
      expect(await generationOf(second.knex)).toBeGreaterThan(beforeCommit);
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
      await holder.destroy();
    }
  });

  it('when two transactions commit in the opposite order of their writes, a read after both sees both', async () => {
    const early = first.database.connect();
    const late = first.database.connect();
    try {
      const trxEarly = await early.transaction();
      const trxLate = await late.transaction();
      const row = (label: string): Record<string, unknown> => ({
        guid: randomUUID(),
        label,
        description: label,
        unique_id: randomUUID(),
      });
      const earlyLabel = `early-${randomUUID().slice(0, 8)}`;
      const lateLabel = `late-${randomUUID().slice(0, 8)}`;
      await trxEarly('services').insert(row(earlyLabel));
      await trxLate('services').insert(row(lateLabel));
      await trxLate.commit();
      const afterLate = await labelsSeenBy(second.app);
      expect(afterLate).toContain(lateLabel);
      expect(afterLate).not.toContain(earlyLabel);
      await trxEarly.commit();
      expect(await labelsSeenBy(second.app)).toEqual(
        expect.arrayContaining([earlyLabel, lateLabel]),
      );
    } finally {
      await early.destroy();
      await late.destroy();
    }
  });
});
