import { toPlanColumns } from '../../../src/catalog/plans-store';
import type { PlanFields } from '../../../src/catalog/plans-store';
import { toServiceColumns } from '../../../src/catalog/services-store';
import type { ServiceFields } from '../../../src/catalog/services-store';

describe('toServiceColumns', () => {
  it.each<[string, Partial<ServiceFields>, Record<string, unknown>]>([
    ['nothing changes', {}, {}],
    ['only the label changes', { label: 'x' }, { label: 'x' }],
    ['lists change', { tags: ['a', 'b'], requires: [] }, { tags: '["a","b"]', requires: '[]' }],
    [
      'a column is cleared',
      { longDescription: null, extra: null },
      { long_description: null, extra: null },
    ],
    [
      'flags change',
      {
        active: false,
        planUpdateable: true,
        bindingsRetrievable: false,
        allowContextUpdates: true,
      },
      {
        active: false,
        plan_updateable: true,
        bindings_retrievable: false,
        allow_context_updates: true,
      },
    ],
    ['the unique id changes', { uniqueId: 'u' }, { unique_id: 'u' }],
  ])('when %s, answers only those columns in snake_case', (_name, fields, columns) => {
    expect(toServiceColumns(fields)).toEqual(columns);
  });
});

describe('toPlanColumns', () => {
  it.each<[string, Partial<PlanFields>, Record<string, unknown>]>([
    ['nothing changes', {}, {}],
    ['only public changes', { public: true }, { public: true }],
    [
      'maintenance info is set',
      { maintenanceInfo: { version: '1.0.0' } },
      { maintenance_info: '{"version":"1.0.0"}' },
    ],
    ['maintenance info is cleared', { maintenanceInfo: null }, { maintenance_info: null }],
    [
      'schemas are set',
      { schemas: { service_binding: { create: { parameters: {} } } } },
      { schemas: '{"service_binding":{"create":{"parameters":{}}}}' },
    ],
    [
      'inherit-able values are cleared',
      { bindable: null, planUpdateable: null, maximumPollingDuration: null },
      { bindable: null, plan_updateable: null, maximum_polling_duration: null },
    ],
  ])(
    'when %s, answers only those columns, JSON encoded where stored as text',
    (_name, fields, columns) => {
      expect(toPlanColumns(fields)).toEqual(columns);
    },
  );
});
