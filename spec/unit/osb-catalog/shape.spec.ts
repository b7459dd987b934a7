import { CatalogShapeError, toOsbCatalog } from '../../../src/osb-catalog/shape';

const plan = { id: 'p', name: 'small', description: 'd' };
const service = { id: 's', name: 'db', description: 'd', bindable: true, plans: [plan] };

describe('toOsbCatalog', () => {
  it('keeps known fields, drops unknown ones and absent optionals', () => {
    const raw = {
      services: [
        {
          ...service,
          extension: 1,
          tags: ['a'],
          plan_updateable: null,
          plans: [{ ...plan, free: false, metadata: null, x: 2 }],
        },
      ],
    };
    expect(toOsbCatalog(raw)).toEqual({
      services: [
        {
          id: 's',
          name: 'db',
          description: 'd',
          bindable: true,
          tags: ['a'],
          plans: [{ id: 'p', name: 'small', description: 'd', free: false }],
        },
      ],
    });
    expect(Object.keys(toOsbCatalog(raw).services[0]!)).toEqual([
      'id',
      'name',
      'description',
      'bindable',
      'tags',
      'plans',
    ]);
  });

  it.each<[string, unknown, string]>([
    [
      'a service without id',
      { services: [{ ...service, id: undefined }] },
      'services.0.id must be a string',
    ],
    [
      'a plan with a string free',
      { services: [{ ...service, plans: [{ ...plan, free: 'no' }] }] },
      'services.0.plans.0.free must be a boolean',
    ],
    [
      'a service without plans',
      { services: [{ ...service, plans: [] }] },
      'services.0.plans must be a non-empty array',
    ],
    [
      'a fractional polling duration',
      { services: [{ ...service, plans: [{ ...plan, maximum_polling_duration: 1.5 }] }] },
      'services.0.plans.0.maximum_polling_duration must be an integer',
    ],
  ])('when given %s, throws a CatalogShapeError naming the field', (_name, raw, message) => {
    expect(() => toOsbCatalog(raw)).toThrow(CatalogShapeError);
    expect(() => toOsbCatalog(raw)).toThrow(message);
  });
});
