import { containerAttention } from '../../../src/containers';
import type { ServiceView } from '../../../src/containers';
import type { BackendHealth, ServiceStatus } from '../../../src/containers/types';
import { specFrom } from '../../containers/plan-fixtures';

function view(status: ServiceStatus, replicas: number, health: BackendHealth[]): ServiceView {
  return {
    record: {
      id: 'svc-1',
      tenant: 't',
      spec: specFrom({ Replicas: replicas }),
      fip: '',
      status,
      message: status === 'failed' ? 'image pull failed' : '',
      created: '2026-12-01T00:00:00.000Z',
      updated: '2026-12-01T00:00:00.000Z',
    },
    observation: {
      ip: '',
      endpoint: '',
      containers: [],
      backends: health.map((h, i) => ({ containerId: `c${i}`, state: 'running', health: h })),
    },
  };
}

describe('containerAttention', () => {
  it.each<[string, ServiceView, ReturnType<typeof containerAttention>]>([
    ['active with every replica UP', view('active', 2, ['UP', 'UP']), undefined],
    [
      'active with a replica DOWN',
      view('active', 2, ['UP', 'DOWN']),
      { problem: 'degraded', up: 1, want: 2 },
    ],
    [
      'active with no backend observed',
      view('active', 1, []),
      { problem: 'degraded', up: 0, want: 1 },
    ],
    [
      'active in MAINT counts as not UP',
      view('active', 1, ['MAINT']),
      {
        problem: 'degraded',
        up: 0,
        want: 1,
      },
    ],
    [
      'failed, even with replicas UP',
      view('failed', 1, ['UP']),
      { problem: 'failed', up: 1, want: 1 },
    ],
    ['being created with nothing UP yet', view('created', 2, []), undefined],
    ['being updated with a replica DOWN', view('updating', 2, ['UP', 'DOWN']), undefined],
    ['active with more UP than wanted (scaling down)', view('active', 1, ['UP', 'UP']), undefined],
  ])('when a service is %s, answers %o', (_name, given, expected) => {
    expect(containerAttention(given)).toEqual(expected);
  });
});
