import { embedRelations, MAX_INLINE_MEMBERS } from '../../../src/orgs/inline';
import type { Relation } from '../../../src/orgs/inline';

const base = {
  metadata: { guid: 'g', url: '/v2/spaces/g', created_at: 't', updated_at: 't' },
  entity: { name: 'dev', developers_url: '/v2/spaces/g/developers' },
};
const user = (guid: string) => ({
  metadata: { guid, url: `/v2/users/${guid}`, created_at: 't', updated_at: 't' },
  entity: {},
});
const users = (n: number) => Array.from({ length: n }, (_, i) => user(`u${String(i)}`));

describe('embedRelations', () => {
  it.each<[string, Record<string, Relation>, Record<string, unknown>]>([
    ['nothing to embed', {}, {}],
    [
      'a to-one relation',
      { organization: { kind: 'one', value: user('o') } },
      { organization: user('o') },
    ],
    [
      'a missing to-one relation as null',
      { quota_definition: { kind: 'one', value: null } },
      { quota_definition: null },
    ],
    [
      'an empty to-many relation',
      { developers: { kind: 'many', total: 0, items: [] } },
      { developers: [] },
    ],
    [
      `a to-many relation of exactly ${String(MAX_INLINE_MEMBERS)}`,
      { developers: { kind: 'many', total: 50, items: users(50) } },
      { developers: users(50) },
    ],
    [
      'a to-many relation over the limit (not embedded)',
      { developers: { kind: 'many', total: 51, items: users(50) } },
      {},
    ],
  ])('%s', (_name, relations, added) => {
    expect(embedRelations(base, relations)).toEqual({
      metadata: base.metadata,
      entity: { ...base.entity, ...added },
    });
  });
});
