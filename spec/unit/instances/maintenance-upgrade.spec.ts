import { CfError } from '../../../src/http/cf-errors';
import { maintenanceUpgrade } from '../../../src/instances/maintenance-upgrade';

type Info = { version: string; description?: string };

interface Row {
  instance: Info | null;
  plan: Info | null;
  requested: Info | undefined;
  changingPlan: boolean;
}

const base: Row = {
  instance: { version: '1.0.0' },
  plan: { version: '2.0.0', description: 'new OS' },
  requested: { version: '2.0.0' },
  changingPlan: false,
};

function run(row: Row): Info | undefined {
  return maintenanceUpgrade(
    { maintenanceInfo: row.instance },
    { plan: { maintenanceInfo: row.plan } },
    row.requested,
    row.changingPlan,
  );
}

describe('maintenanceUpgrade', () => {
  it.each<[string, Partial<Row>, Info | undefined]>([
    ['nothing requested: no upgrade', { requested: undefined }, undefined],
    ['requesting the plan version: the plan info', {}, { version: '2.0.0', description: 'new OS' }],
    [
      'requesting the version the instance has: no upgrade',
      { requested: { version: '1.0.0' } },
      undefined,
    ],
    [
      'requesting its own version while changing plan: no upgrade, no error',
      { requested: { version: '1.0.0' }, changingPlan: true },
      undefined,
    ],
    [
      'an instance without info asking for the plan version: the plan info',
      { instance: null },
      { version: '2.0.0', description: 'new OS' },
    ],
    [
      'a pre-release and build version',
      { plan: { version: '2.0.0-rc.1+b7' }, requested: { version: '2.0.0-rc.1+b7' } },
      { version: '2.0.0-rc.1+b7' },
    ],
  ])('%s', (_label, row, expected) => {
    expect(run({ ...base, ...row })).toEqual(expected);
  });

  it.each<[string, Partial<Row>, string]>([
    ['not semver', { requested: { version: '2.0' } }, 'CF-MaintenanceInfoNotSemver'],
    ['a leading v', { requested: { version: 'v2.0.0' } }, 'CF-MaintenanceInfoNotSemver'],
    ['a leading zero', { requested: { version: '02.0.0' } }, 'CF-MaintenanceInfoNotSemver'],
    ['changing plan too', { changingPlan: true }, 'CF-MaintenanceInfoNotUpdatableWhenChangingPlan'],
    ['a plan without info', { plan: null }, 'CF-MaintenanceInfoNotSupported'],
    [
      'another version than the plan',
      { requested: { version: '3.0.0' } },
      'CF-MaintenanceInfoConflict',
    ],
    [
      'not semver is checked before the plan change',
      { requested: { version: 'x' }, changingPlan: true },
      'CF-MaintenanceInfoNotSemver',
    ],
  ])('refuses %s with %s', (_label, row, errorCode) => {
    let thrown: unknown;
    try {
      run({ ...base, ...row });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CfError);
    expect(thrown instanceof CfError ? thrown.toBody().error_code : undefined).toBe(errorCode);
  });
});
