import { databaseUnavailability } from '../../../src/db/unavailable';

function coded(code: unknown): Error {
  return Object.assign(new Error('x'), { code });
}

describe('databaseUnavailability', () => {
  it.each<[string, unknown, string | undefined]>([
    ['SQLite read-only', coded('SQLITE_READONLY'), 'read-only'],
    ['SQLite full', coded('SQLITE_FULL'), 'full'],
    ['SQLite busy (another writer)', coded('SQLITE_BUSY'), 'locked'],
    ['SQLite table locked', coded('SQLITE_LOCKED'), 'locked'],
    ['PostgreSQL read-only transaction', coded('25006'), 'read-only'],
    ['PostgreSQL disk full', coded('53100'), 'full'],
    ['PostgreSQL lock not available', coded('55P03'), 'locked'],
    [
      'a constraint violation is the client’s, not unavailability',
      coded('SQLITE_CONSTRAINT'),
      undefined,
    ],
    ['PostgreSQL unique violation', coded('23505'), undefined],
    ['a numeric code', coded(5), undefined],
    ['no code', new Error('boom'), undefined],
    ['not an object', 'SQLITE_BUSY', undefined],
  ])('%s', (_name, err, expected) => {
    expect(databaseUnavailability(err)).toBe(expected);
  });
});
