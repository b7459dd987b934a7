import {
  createBrokerBody,
  toRegisterCommand,
  toUpdateCommand,
  updateBrokerBody,
} from '../../../src/broker-registry/schemas';

describe('toRegisterCommand (v2 body → domain command)', () => {
  it.each([
    [
      'a global broker',
      { name: 'b', broker_url: 'http://x', auth_username: 'u', auth_password: 'p' },
      { name: 'b', brokerUrl: 'http://x', authUsername: 'u', authPassword: 'p' },
    ],
    [
      'a space-scoped broker',
      {
        name: 'b',
        broker_url: 'http://x',
        auth_username: 'u',
        auth_password: 'p',
        space_guid: 's-1',
      },
      { name: 'b', brokerUrl: 'http://x', authUsername: 'u', authPassword: 'p', spaceGuid: 's-1' },
    ],
  ])('%s', (_name, body, command) => {
    expect(toRegisterCommand(createBrokerBody.parse(body))).toEqual(command);
  });
});

describe('toUpdateCommand', () => {
  it.each([
    ['only a new name', { name: 'n' }, { name: 'n' }],
    [
      'new credentials',
      { auth_username: 'u2', auth_password: 'p2' },
      { authUsername: 'u2', authPassword: 'p2' },
    ],
    ['a new URL', { broker_url: 'http://y' }, { brokerUrl: 'http://y' }],
    ['nothing (space_guid is ignored on update)', { space_guid: 's' }, {}],
  ])('%s', (_name, body, command) => {
    expect(toUpdateCommand(updateBrokerBody.parse(body))).toEqual(command);
  });
});
