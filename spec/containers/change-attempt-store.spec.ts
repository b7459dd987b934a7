import { toServiceSpec } from '../../src/containers';
import type { ServiceRecord, ServiceSpec } from '../../src/containers';
import { SpecSealer } from '../../src/containers/sealed-spec';
import { ContainerServiceStore, toInstant } from '../../src/containers/store';
import type { Knex } from '../../src/db/knex';
import { migrateToLatest } from '../../src/db/migrate';
import * as changeAttempts from '../../db/migrations/20261201214411_container_change_attempts';
import * as changeGeneration from '../../db/migrations/20261201220311_container_change_generation';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { readFixture } from './plan-fixtures';
import { testSecretBox } from './support/test-secrets';

const parsed = toServiceSpec(JSON.parse(readFixture('containers', 'create-http.json')), {
  maxReplicas: 5,
});
if (!parsed.ok) throw new Error(parsed.message);
const spec: ServiceSpec = parsed.spec;

const ACCEPTED = '2026-12-01T10:00:00.000Z';
const LATER = '2026-12-01T10:00:40.000Z';
const MUCH_LATER = '2026-12-01T10:05:00.000Z';

const record = (id: string): ServiceRecord => ({
  id,
  tenant: 'tenant-a',
  spec: { ...spec, name: id },
  fip: '',
  status: 'created',
  message: 'Service is created',
  created: ACCEPTED,
  updated: ACCEPTED,
});

/**
 * When a change was accepted and how often its replicas exited are stored with the service
 * (issue 9 item 5, issue 16), on the real database: set by every write of a new generation,
 * untouched by the reconciler's status reports.
 */
describe('the change being converged, as stored', () => {
  let database: TestDatabase;
  let knex: Knex;
  let store: ContainerServiceStore;

  beforeEach(async () => {
    database = await createTestDatabase();
    knex = database.connect();
    await migrateToLatest(knex);
    store = new ContainerServiceStore(knex, new SpecSealer(testSecretBox()));
  });
  afterEach(async () => {
    await knex.destroy();
    await database.drop();
  });

  const read = async (id: string) => {
    const [found] = await store.list({ tenant: undefined, names: [id], labels: [] });
    if (found === undefined) throw new Error(`${id} not stored`);
    return found;
  };

  it('when a service is created, then its change starts when it was accepted, with no exits', async () => {
    await store.insert(record('web'));
    expect(await read('web')).toMatchObject({
      change: { started: new Date(ACCEPTED), exits: 0 },
      generation: 1,
    });
  });

  it('when the reconciler reports a status, then updated moves but the change start does not', async () => {
    await store.insert(record('web'));
    expect(await store.reportStatus('web', 1, 'updating', 'Scaling 1/2', LATER)).toBe(true);
    const after = await read('web');
    expect(new Date(after.updated)).toEqual(new Date(LATER));
    expect(after.change?.started).toEqual(new Date(ACCEPTED));
  });

  it('when exits are recorded, then the count only grows, and only for its own generation', async () => {
    await store.insert(record('web'));
    await store.recordExits('web', 1, 2);
    expect((await read('web')).change?.exits).toBe(2);
    // A smaller count (a process that saw fewer) never lowers it.
    await store.recordExits('web', 1, 1);
    expect((await read('web')).change?.exits).toBe(2);
    await store.recordExits('web', 1, 3);
    expect((await read('web')).change?.exits).toBe(3);
    // Counted for a generation a user change has replaced: ignored.
    await store.saveDesired(
      'web',
      { ...spec, name: 'web', replicas: 3 },
      '',
      'updating',
      'Scaling 0/3',
      LATER,
    );
    await store.recordExits('web', 1, 5);
    expect(await read('web')).toMatchObject({ generation: 2, change: { exits: 0 } });
  });

  it('when a user change is saved, then its change starts then, with no exits', async () => {
    await store.insert(record('web'));
    await store.recordExits('web', 1, 3);
    await store.saveDesired(
      'web',
      { ...spec, name: 'web', image: 'web:2' },
      '',
      'updating',
      'Rolling update 0/2',
      LATER,
    );
    expect(await read('web')).toMatchObject({
      generation: 2,
      change: { started: new Date(LATER), exits: 0 },
    });
  });

  it('when the reconciler rolls an update back, then that is a new change too', async () => {
    await store.insert(record('web'));
    await store.recordExits('web', 1, 3);
    expect(
      await store.rollBack('web', 1, { ...spec, name: 'web' }, 'Rolled back', MUCH_LATER),
    ).toBe(true);
    expect(await read('web')).toMatchObject({
      generation: 2,
      status: 'active',
      change: { started: new Date(MUCH_LATER), exits: 0 },
    });
  });

  it('when the migrations run on rows written before them, then each change starts at its last write', async () => {
    await store.insert(record('old'));
    await store.reportStatus('old', 1, 'updating', 'Scaling 0/2', LATER);
    await changeGeneration.down(knex);
    await changeAttempts.down(knex);
    await changeAttempts.up(knex);
    await changeGeneration.up(knex);
    expect(await read('old')).toMatchObject({
      generation: 1,
      change: { started: new Date(LATER), exits: 0 },
    });
  });

  it('when an older Wharf stores a new generation (without the change columns), then the previous change is not taken for it', async () => {
    await store.insert(record('mixed'));
    await store.recordExits('mixed', 1, 3);
    // What a Wharf from before the columns writes for a user change.
    await knex('container_services')
      .where({ guid: 'mixed' })
      .update({ status: 'updating', message: 'Scaling 0/3', updated_at: LATER })
      .increment('generation', 1);
    expect(await read('mixed')).toMatchObject({ generation: 2, change: undefined });
    // The reconciler then starts it when it first sees it, once.
    await store.startChange('mixed', 2, MUCH_LATER);
    await store.startChange('mixed', 2, '2026-12-01T11:00:00.000Z');
    expect(await read('mixed')).toMatchObject({
      change: { started: new Date(MUCH_LATER), exits: 0 },
    });
    // Never for a generation that is not the row's.
    await store.startChange('mixed', 1, '2026-12-01T11:00:00.000Z');
    expect((await read('mixed')).change?.started).toEqual(new Date(MUCH_LATER));
  });

  it('when a row has no change start (an older Wharf inserted it), then the database knows no change', async () => {
    await store.insert(record('legacy'));
    await knex('container_services')
      .where({ guid: 'legacy' })
      .update({ change_started_at: null, change_generation: null });
    expect((await read('legacy')).change).toBeUndefined();
    await store.startChange('legacy', 1, LATER);
    expect((await read('legacy')).change).toEqual({ started: new Date(LATER), exits: 0 });
  });
});

describe('toInstant: a timestamp column as either database returns it', () => {
  it.each<[string, unknown, string]>([
    ['a Date (PostgreSQL)', new Date(ACCEPTED), ACCEPTED],
    ['ISO text with a zone (what Wharf writes)', ACCEPTED, ACCEPTED],
    ['ISO text with an offset', '2026-12-01T11:00:00.000+01:00', ACCEPTED],
    ["SQLite's CURRENT_TIMESTAMP text, which is UTC", '2026-12-01 10:00:00', ACCEPTED],
    ['SQLite text with a fraction', '2026-12-01 10:00:00.000', ACCEPTED],
    ['milliseconds (a Date bound by the sqlite3 driver)', Date.parse(ACCEPTED), ACCEPTED],
  ])('%s', (_name, value, expected) => {
    expect(toInstant(value, 'change_started_at').toISOString()).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['text that is no time', 'yesterday'],
    ['a boolean', true],
    ['an object', {}],
  ])('refuses %s', (_name, value) => {
    expect(() => toInstant(value, 'change_started_at')).toThrow(
      'container_services.change_started_at: expected a time',
    );
  });
});
