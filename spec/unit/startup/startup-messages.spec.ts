import { describeDatabase, describeDatabaseCause } from '../../../src/startup/database';
import { describeListenError } from '../../../src/startup/listen';

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeListenError', () => {
  it.each<[string, unknown, string]>([
    [
      'a busy port',
      coded('EADDRINUSE', 'listen EADDRINUSE: address already in use 127.0.0.1:3997'),
      'cannot listen on 127.0.0.1:3997: address already in use',
    ],
    [
      'a privileged port',
      coded('EACCES', 'listen EACCES: permission denied'),
      'cannot listen on 127.0.0.1:3997: permission denied',
    ],
    [
      'an address of another host',
      coded('EADDRNOTAVAIL', 'listen EADDRNOTAVAIL'),
      'cannot listen on 127.0.0.1:3997: address not available on this host',
    ],
    [
      'a host name that does not resolve',
      coded('ENOTFOUND', 'getaddrinfo ENOTFOUND x'),
      'cannot listen on 127.0.0.1:3997: no such host',
    ],
    [
      'an unknown code: the first line of the message',
      coded('EWHATEVER', 'something odd\n    at stack'),
      'cannot listen on 127.0.0.1:3997: something odd',
    ],
  ])('%s', (_name, err, line) => {
    expect(describeListenError(err, '127.0.0.1', 3997)).toBe(line);
  });
});

describe('describeDatabase', () => {
  it.each<[string, string | undefined, string]>([
    ['SQLite: the file', undefined, 'SQLite database /data/wharf.sqlite'],
    [
      'PostgreSQL: the URL without its password',
      'postgres://u:secret@127.0.0.1:1/x',
      'database postgres://u@127.0.0.1:1/x',
    ],
    [
      'PostgreSQL without a password: the URL as given',
      'postgresql://db.internal:5432/wharf',
      'database postgresql://db.internal:5432/wharf',
    ],
    [
      'not a URL: not echoed',
      'postgres://u:se cret@[bad',
      'database DATABASE_URL (not a valid URL)',
    ],
  ])('%s', (_name, url, text) => {
    expect(describeDatabase(url, '/data/wharf.sqlite')).toBe(text);
  });
});

describe('describeDatabaseCause', () => {
  it.each<[string, unknown, string | undefined, string]>([
    [
      'a refused connection',
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
      undefined,
      'connect ECONNREFUSED 127.0.0.1:1',
    ],
    [
      'a missing driver: no install hint, no require stack',
      new Error(
        "Knex: run\n$ npm install pg --save\nCannot find module 'pg'\nRequire stack:\n- /x",
      ),
      undefined,
      'the driver "pg" is not installed',
    ],
    [
      'an AggregateError of two addresses: the first one’s message',
      new AggregateError([coded('ECONNREFUSED', 'connect ECONNREFUSED ::1:1')], ''),
      undefined,
      'connect ECONNREFUSED ::1:1',
    ],
    [
      'a message quoting the password: masked',
      new Error('password "hunter2" rejected'),
      'hunter2',
      'password "***" rejected',
    ],
    ['an error without a message: its code', coded('ETIMEDOUT', ''), undefined, 'ETIMEDOUT'],
  ])('%s', (_name, err, secret, text) => {
    expect(describeDatabaseCause(err, secret)).toBe(text);
  });
});
