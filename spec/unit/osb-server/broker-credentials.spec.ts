import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BROKER_CREDENTIALS_FILE,
  loadOrCreateBrokerCredentials,
} from '../../../src/osb-server/broker-credentials';

describe('loadOrCreateBrokerCredentials', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-osb-creds-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when both settings are given, uses them and writes nothing', () => {
    const loaded = loadOrCreateBrokerCredentials(dir, { username: 'cf', password: 'secret' });
    expect(loaded).toEqual({
      credentials: { username: 'cf', password: 'secret' },
      generated: false,
    });
    expect(fs.existsSync(path.join(dir, BROKER_CREDENTIALS_FILE))).toBe(false);
  });

  it('when no password is set, generates one once (mode 0600) and keeps it across restarts', () => {
    const first = loadOrCreateBrokerCredentials(dir, { username: undefined, password: undefined });
    expect(first.generated).toBe(true);
    expect(first.credentials.username).toBe('wharf-broker');
    expect(first.credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.statSync(path.join(dir, BROKER_CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
    const second = loadOrCreateBrokerCredentials(dir, { username: 'other', password: undefined });
    expect(second).toEqual({
      credentials: { username: 'other', password: first.credentials.password },
      generated: false,
    });
  });
});
