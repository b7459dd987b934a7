import type Docker from 'dockerode';
import {
  decideServiceStep,
  specProjection,
  toSwarmProgress,
} from '../../src/containers/drivers/swarm/decide';
import type { ProgressInput, SwarmServiceInfo } from '../../src/containers/drivers/swarm/decide';
import { toReplicaServiceSpec } from '../../src/containers/drivers/swarm/service-specs';
import type { ObservedContainer } from '../../src/containers/drivers/driver';
import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import { planContext, specFrom } from '../containers/plan-fixtures';

const desired = toReplicaServiceSpec(toDeploymentPlan(specFrom({}), planContext), 'net-id');

/** `desired` as the engine stores it: defaults filled in, some fields changed by `patch`. */
function stored(patch: (spec: Docker.ServiceSpec) => void = () => undefined): Docker.ServiceSpec {
  const spec: Docker.ServiceSpec = JSON.parse(JSON.stringify(desired));
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
  task.ContainerSpec = { ...task.ContainerSpec, Isolation: 'default', Init: false };
  task.Placement = {};
  task.ForceUpdate = 0;
  patch(spec);
  return spec;
}
const containerOf = (s: Docker.ServiceSpec): Docker.ContainerSpec =>
  (s.TaskTemplate as Docker.ContainerTaskSpec).ContainerSpec ?? {};

function service(
  spec: Docker.ServiceSpec,
  extra: Partial<SwarmServiceInfo> = {},
): SwarmServiceInfo {
  return { ID: 'svc', Version: { Index: 42 }, Spec: spec, ...extra };
}

describe('decideServiceStep', () => {
  it.each<[string, SwarmServiceInfo | undefined, string]>([
    ['no service', undefined, 'create'],
    ['the same spec with engine defaults', service(stored()), 'none'],
    [
      'an image the CLI pinned to a digest',
      service(stored((s) => (containerOf(s).Image = 'nginx@sha256:0123abcd'))),
      'none',
    ],
    [
      'another image (edited by hand)',
      service(stored((s) => (containerOf(s).Image = 'other'))),
      'update',
    ],
    [
      'another replica count',
      service(stored((s) => (s.Mode = { Replicated: { Replicas: 7 } }))),
      'update',
    ],
    [
      'a label removed by hand',
      service(stored((s) => (s.Labels = { ...s.Labels, 'wharf.owner': 'x' }))),
      'update',
    ],
    [
      'the endpoint mode switched to vip',
      service(stored((s) => (s.EndpointSpec = { Mode: 'vip' }))),
      'update',
    ],
  ])('when the engine has %s, then %s', (_what, actual, kind) => {
    expect(decideServiceStep(desired, actual).kind).toBe(kind);
  });

  it('when an update is needed, then it names the version Swarm must see (optimistic lock)', () => {
    const actual = service(stored((s) => (containerOf(s).Image = 'other')));
    expect(decideServiceStep(desired, actual)).toEqual({ kind: 'update', version: 42 });
  });

  it('when Swarm rolled back the spec this process sent, then it is reported and not retried', () => {
    // Swarm clears PreviousSpec on a rollback: only what was sent tells the rolled-back spec.
    const actual = service(
      stored((s) => (containerOf(s).Image = 'old')),
      {
        UpdateStatus: { State: 'rollback_completed', Message: 'update failed' },
      },
    );
    expect(decideServiceStep(desired, actual, specProjection(desired))).toEqual({
      kind: 'rolled-back',
      message: 'update failed',
    });
  });

  it.each<[string, string | undefined, Docker.UpdateState]>([
    ['a spec this process did not send (a restart)', undefined, 'rollback_completed'],
    ['an older spec the user changed since', 'older', 'rollback_completed'],
    ['an update that completed', 'current', 'completed'],
  ])('when Swarm rolled back %s, then update again', (_what, attempted, state) => {
    const actual = service(
      stored((s) => (containerOf(s).Image = 'old')),
      {
        UpdateStatus: { State: state },
      },
    );
    const sent = attempted === 'current' ? specProjection(desired) : attempted;
    expect(decideServiceStep(desired, actual, sent).kind).toBe('update');
  });

  it('when labels come in another order, then the projection is the same', () => {
    const reordered = stored((s) => {
      s.Labels = Object.fromEntries(Object.entries(s.Labels ?? {}).reverse());
    });
    expect(specProjection(reordered)).toBe(specProjection(desired));
  });
});

const replica = (ip: string, image: string, state = 'running'): ObservedContainer => ({
  id: ip,
  name: ip,
  role: 'replica',
  serviceId: 's',
  image,
  state: state === 'running' ? 'running' : 'created',
  ip: state === 'running' ? ip : undefined,
  created: 0,
});

describe('toSwarmProgress', () => {
  const base: ProgressInput = {
    desired: 2,
    image: 'v2',
    replicas: [replica('a', 'v2'), replica('b', 'v2')],
    health: new Map([
      ['a', 'UP'],
      ['b', 'UP'],
    ]),
    lbServing: true,
    stopping: 0,
    updating: false,
  };
  it.each<[string, Partial<ProgressInput>, unknown]>([
    ['all replicas UP behind a serving LB', {}, { phase: 'converged' }],
    ['the LB not serving yet', { lbServing: false }, { phase: 'scaling', ready: 2, desired: 2 }],
    [
      'one replica DOWN',
      { health: new Map([['a', 'UP']]) },
      { phase: 'scaling', ready: 1, desired: 2 },
    ],
    ['a task still stopping', { stopping: 1 }, { phase: 'scaling', ready: 2, desired: 2 }],
    [
      'a task still starting',
      { desired: 3, replicas: [...base.replicas, replica('c', 'v2', 'starting')] },
      { phase: 'scaling', ready: 2, desired: 3 },
    ],
    [
      'an old-image task running',
      { replicas: [replica('a', 'v2'), replica('b', 'v1')] },
      { phase: 'rolling', ready: 1, desired: 2, previousImage: 'v1' },
    ],
    [
      'Swarm updating',
      { updating: true },
      { phase: 'rolling', ready: 2, desired: 2, previousImage: 'v2' },
    ],
    [
      'more UP than desired (scale down pending)',
      { desired: 1 },
      { phase: 'scaling', ready: 1, desired: 1 },
    ],
  ])('when %s, then %j', (_what, patch, expected) => {
    expect(toSwarmProgress({ ...base, ...patch })).toEqual(expected);
  });
});
