import type { AuthContext } from '../../auth';
import { isAdmin } from '../../auth';
import type { BrokersService } from '../../broker-registry';
import { containerAttention } from '../../containers';
import type { ContainerService } from '../../containers';
import type { PlansService, ServicesService } from '../../catalog';
import { toCatalogViewer } from '../../catalog';
import type { Clock } from '../../clock';
import { pageRequest } from '../../db/page-request';
import { currentTimestamp } from '../../db/timestamps';
import { attentionBoundsAt } from '../../instances';
import type { AttentionSettings, InstancesService } from '../../instances';
import type { Attention, Counts } from '../ports';
import { UI_LIST_LIMIT } from './catalog-data';
import { containerScopeOf } from './container-data';

export interface OverviewDataDeps {
  services: ServicesService;
  plans: PlansService;
  brokers: BrokersService;
  instances: InstancesService;
  containers: ContainerService;
  clock: Clock;
  /** When an instance's operation in progress needs a look. */
  attention: AttentionSettings;
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
        deps.containers.list(containerScopeOf(viewer), { names: [], labels: [] }),
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

    /** Each module's own "needs attention" query; only brokers are for admins alone. */
    async attention(viewer) {
      const bounds = attentionBoundsAt(deps.clock.now(), deps.attention);
      const [instances, containers, brokers] = await Promise.all([
        deps.instances.needingAttention(viewer, pageRequest({ perPage: UI_LIST_LIMIT }), bounds),
        deps.containers.list(containerScopeOf(viewer), { names: [], labels: [] }),
        isAdmin(viewer) ? deps.brokers.withFailedSync() : Promise.resolve([]),
      ]);
      return {
        failedBrokers: brokers.map((b) => ({
          guid: b.guid,
          name: b.name,
          error: b.lastSync?.error ?? '',
          at: b.lastSync === null ? null : currentTimestamp(b.lastSync.at),
        })),
        stuckInstances: instances.items.flatMap((i) =>
          i.lastOperation === null
            ? []
            : [
                {
                  guid: i.guid,
                  name: i.name,
                  state: i.lastOperation.state,
                  type: i.lastOperation.type,
                  description: i.lastOperation.description,
                  since: i.updatedAt,
                },
              ],
        ),
        unhealthyContainers: containers
          .flatMap((view) => {
            const problem = containerAttention(view);
            return problem === undefined
              ? []
              : [
                  {
                    name: view.record.spec.name,
                    status: problem.problem,
                    message: view.record.message,
                    up: problem.up,
                    want: problem.want,
                  },
                ];
          })
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    },
  };
}
