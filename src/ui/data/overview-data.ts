import type { AuthContext } from '../../auth/auth-context';
import { isAdmin } from '../../auth/auth-context';
import type { BrokersService } from '../../broker-registry';
import type { PlansService, ServicesService } from '../../catalog';
import { toCatalogViewer } from '../../catalog/viewer';
import type { Clock } from '../../clock';
import { pageRequest } from '../../db/page-request';
import type { InstancesService } from '../../instances';
import type { Attention, ContainerRow, Counts } from '../ports';
import type { BrokerSyncState } from './broker-data';
import { UI_LIST_LIMIT } from './catalog-data';

export interface OverviewDataDeps {
  services: ServicesService;
  plans: PlansService;
  brokers: BrokersService;
  instances: InstancesService;
  containers: (viewer: AuthContext) => Promise<ContainerRow[]>;
  syncStates: () => Promise<Map<string, BrokerSyncState>>;
  clock: Clock;
  /** An operation in progress longer than this needs a look. */
  stuckAfterMs: number;
}

const one = pageRequest({ perPage: 1 });

export function createOverviewData(deps: OverviewDataDeps): {
  counts(viewer: AuthContext): Promise<Counts>;
  attention(viewer: AuthContext): Promise<Attention>;
} {
  return {
    async counts(viewer) {
      const catalogViewer = toCatalogViewer(viewer);
      const [services, plans, instances, containers, brokers] = await Promise.all([
        deps.services.list(catalogViewer, one, false),
        deps.plans.list(catalogViewer, one, false),
        deps.instances.list(viewer, one),
        deps.containers(viewer),
        isAdmin(viewer) ? deps.brokers.all() : Promise.resolve(undefined),
      ]);
      return {
        services: services.total,
        plans: plans.total,
        brokers: brokers?.length,
        instances: instances.total,
        containerServices: containers.length,
      };
    },

    async attention(viewer) {
      const now = deps.clock.now().getTime();
      const [instances, containers, brokers, syncs] = await Promise.all([
        deps.instances.list(viewer, pageRequest({ perPage: UI_LIST_LIMIT })),
        deps.containers(viewer),
        isAdmin(viewer) ? deps.brokers.all() : Promise.resolve([]),
        deps.syncStates(),
      ]);
      return {
        failedBrokers: brokers.flatMap((b) => {
          const sync = syncs.get(b.guid);
          return sync?.ok === false
            ? [{ guid: b.guid, name: b.name, error: sync.error ?? '', at: sync.at }]
            : [];
        }),
        stuckInstances: instances.items.flatMap((i) => {
          const op = i.lastOperation;
          if (op === null) return [];
          const since = new Date(op.updatedAt).getTime();
          const stuck = op.state === 'in progress' && now - since > deps.stuckAfterMs;
          if (op.state !== 'failed' && !stuck) return [];
          return [
            {
              guid: i.guid,
              name: i.name,
              state: op.state,
              type: op.type,
              description: op.description,
              since: i.updatedAt,
            },
          ];
        }),
        unhealthyContainers: containers
          .filter((c) => c.status === 'failed' || (c.status === 'active' && c.up < c.replicas))
          .map((c) => ({
            name: c.name,
            status: c.status === 'active' ? 'degraded' : c.status,
            message: c.message,
            up: c.up,
            want: c.replicas,
          })),
      };
    },
  };
}
