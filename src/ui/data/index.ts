import type { BrokersService } from '../../broker-registry';
import type { PlansService, ServicesService, VisibilitiesService } from '../../catalog';
import type { Clock } from '../../clock';
import type { ContainerService } from '../../containers';
import { pageRequest } from '../../db/page-request';
import { DEFAULT_ATTENTION } from '../../instances';
import type { InstancesService, KeysService } from '../../instances';
import type { OrgsService } from '../../orgs';
import type { DashboardData } from '../ports';
import type { RecentEvents } from '../recent-events';
import { createBrokerData } from './broker-data';
import type { BrokerSyncState } from './broker-data';
import { createCatalogData, UI_LIST_LIMIT } from './catalog-data';
import { createContainerData } from './container-data';
import { createInstanceData } from './instance-data';
import { createOverviewData } from './overview-data';

export type { BrokerSyncState } from './broker-data';

export interface DashboardDataDeps {
  services: ServicesService;
  plans: PlansService;
  visibilities: VisibilitiesService;
  orgs: OrgsService;
  brokers: BrokersService;
  instances: InstancesService;
  keys: KeysService;
  containers: ContainerService;
  events: RecentEvents;
  syncStates: () => Promise<Map<string, BrokerSyncState>>;
  clock: Clock;
}

const EVERYTHING = { kind: 'everything' } as const;

/** DashboardData over the feature modules: the /ui parsers and presenters' one door to them. */
export function createDashboardData(deps: DashboardDataDeps): DashboardData {
  const brokerNames = async (): Promise<Map<string, string>> =>
    new Map((await deps.brokers.all()).map((b) => [b.guid, b.name]));
  const serviceCounts = async (): Promise<Map<string, number>> => {
    const page = await deps.services.list(EVERYTHING, pageRequest({ perPage: UI_LIST_LIMIT }), false);
    const counts = new Map<string, number>();
    for (const { service } of page.items)
      if (service.serviceBrokerGuid !== null)
        counts.set(service.serviceBrokerGuid, (counts.get(service.serviceBrokerGuid) ?? 0) + 1);
    return counts;
  };
  const containers = createContainerData({ containers: deps.containers, events: deps.events });
  return {
    ...createCatalogData({
      services: deps.services,
      plans: deps.plans,
      visibilities: deps.visibilities,
      orgs: deps.orgs,
      brokerNames,
    }),
    ...createBrokerData({ brokers: deps.brokers, serviceCounts, syncStates: deps.syncStates }),
    ...createInstanceData({
      instances: deps.instances,
      keys: deps.keys,
      services: deps.services,
      orgs: deps.orgs,
      brokerNames,
    }),
    ...containers,
    ...createOverviewData({
      services: deps.services,
      plans: deps.plans,
      brokers: deps.brokers,
      instances: deps.instances,
      containers: deps.containers,
      clock: deps.clock,
      attention: DEFAULT_ATTENTION,
    }),
  };
}
