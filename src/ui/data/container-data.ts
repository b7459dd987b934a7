import type { AuthContext } from '../../auth';
import { isAdmin } from '../../auth';
import type { ContainerService, Scope, ServiceView } from '../../containers';
import { toTenant } from '../../containers';
import type { ContainerDetail, ContainerRow } from '../ports';
import type { RecentEvents } from '../recent-events';
import { expected } from './expected';

export interface ContainerDataDeps {
  containers: ContainerService;
  events: RecentEvents;
}

/** The same scope the /services routes give the same token. */
export const containerScopeOf = (viewer: AuthContext): Scope => ({
  tenant: toTenant(viewer.userGuid),
  admin: isAdmin(viewer),
});

function toRow(view: ServiceView): ContainerRow {
  const { record, observation } = view;
  return {
    name: record.spec.name,
    image: record.spec.image,
    status: record.status,
    message: record.message,
    replicas: record.spec.replicas,
    up: observation.backends.filter((b) => b.health === 'UP').length,
    endpoint: observation.endpoint,
    fip: record.fip,
    created: record.created,
    tenant: record.tenant,
  };
}

export function createContainerData(deps: ContainerDataDeps): {
  containers(viewer: AuthContext): Promise<ContainerRow[]>;
  container(viewer: AuthContext, name: string): Promise<ContainerDetail>;
  scaleContainer(viewer: AuthContext, name: string, replicas: number): Promise<void>;
  updateContainerImage(viewer: AuthContext, name: string, image: string): Promise<void>;
  setContainerFip(viewer: AuthContext, name: string, fip: string): Promise<void>;
  deleteContainer(viewer: AuthContext, name: string): Promise<void>;
} {
  const update = async (viewer: AuthContext, name: string, body: object): Promise<void> => {
    await expected(() => deps.containers.update(containerScopeOf(viewer), name, body));
  };
  return {
    async containers(viewer) {
      const views = await deps.containers.list(containerScopeOf(viewer), { names: [], labels: [] });
      return views.map(toRow).sort((a, b) => a.name.localeCompare(b.name));
    },

    async container(viewer, name) {
      const view = await expected(() => deps.containers.get(containerScopeOf(viewer), name));
      const spec = view.record.spec;
      return {
        ...toRow(view),
        protocol: spec.protocol,
        servicePort: spec.servicePort,
        containerPort: spec.containerPort,
        containerSize: spec.containerSize,
        algorithm: spec.algorithm,
        backends: view.observation.backends.map((b) => ({
          containerId: b.containerId,
          state: b.state,
          health: b.health,
        })),
        events: deps.events.of(view.record.id),
      };
    },

    scaleContainer: (viewer, name, replicas) => update(viewer, name, { Replicas: replicas }),
    updateContainerImage: (viewer, name, image) => update(viewer, name, { Image: image }),
    setContainerFip: (viewer, name, fip) => update(viewer, name, { FIP: fip }),

    async deleteContainer(viewer, name) {
      await expected(() => deps.containers.remove(containerScopeOf(viewer), name, false));
    },
  };
}
