import type { AuthContext } from '../auth';

/**
 * What the dashboard reads and does, in its own words. The composition root implements this over
 * the feature modules' doors with the signed-in user's AuthContext, so every page obeys exactly the
 * API's authorization: a page can show nothing the same user could not read through /v2 or /services.
 * Errors are thrown as the features throw them (CfError, ContainerServiceError); the routes turn
 * them into a notice on the page.
 */
export type Viewer = AuthContext;

export interface Counts {
  services: number;
  plans: number;
  brokers: number | undefined;
  instances: number;
  containerServices: number;
}

export interface Attention {
  failedBrokers: { guid: string; name: string; error: string; at: string | null }[];
  stuckInstances: {
    guid: string;
    name: string;
    state: string;
    type: string;
    description: string;
    since: string;
  }[];
  unhealthyContainers: {
    name: string;
    status: string;
    message: string;
    up: number;
    want: number;
  }[];
}

export interface CatalogPlanRow {
  guid: string;
  name: string;
  description: string;
  free: boolean;
  public: boolean;
  active: boolean;
}

export interface CatalogServiceRow {
  guid: string;
  label: string;
  description: string;
  bindable: boolean;
  active: boolean;
  brokerName: string | null;
  plans: CatalogPlanRow[];
}

export interface NewCatalogEntry {
  label: string;
  description: string;
  bindable: boolean;
  planName: string;
  planDescription: string;
  planFree: boolean;
  /** The `container` template as JSON text, or '' for a plain entry. */
  containerTemplate: string;
}

export interface OrgAccess {
  guid: string;
  name: string;
  granted: boolean;
}

export interface PlanVisibility {
  plan: CatalogPlanRow;
  serviceLabel: string;
  orgs: OrgAccess[];
}

export interface BrokerRow {
  guid: string;
  name: string;
  url: string;
  username: string;
  serviceCount: number;
  lastSyncAt: string | null;
  lastSyncOk: boolean | null;
  lastSyncError: string | null;
}

export interface BrokerForm {
  name: string;
  url: string;
  username: string;
  /** Empty on update means "keep the stored password". */
  password: string;
}

export interface InstanceFilter {
  orgGuid: string | undefined;
  spaceGuid: string | undefined;
  serviceGuid: string | undefined;
}

export interface InstanceRow {
  guid: string;
  name: string;
  serviceLabel: string;
  planName: string;
  orgName: string;
  spaceName: string;
  spaceGuid: string;
  operationType: string;
  operationState: string;
  operationDescription: string;
  updatedAt: string;
  keys: { guid: string; name: string }[];
}

export interface Choice {
  guid: string;
  name: string;
}

export interface MarketplacePlan {
  guid: string;
  name: string;
  serviceLabel: string;
  /** The broker offering it; null for a broker-less entry. */
  brokerName: string | null;
  description: string;
  /** `schemas.service_instance.create.parameters`, when the plan has one. */
  createSchema: unknown;
}

export interface NewInstance {
  spaceGuid: string;
  planGuid: string;
  name: string;
  parameters: Record<string, unknown>;
}

export interface BackendRow {
  containerId: string;
  state: string;
  health: string;
}

export interface ContainerRow {
  name: string;
  image: string;
  status: string;
  message: string;
  replicas: number;
  up: number;
  endpoint: string;
  fip: string;
  created: string;
  tenant: string;
}

export interface ContainerDetail extends ContainerRow {
  protocol: string;
  servicePort: number;
  containerPort: number;
  containerSize: string;
  algorithm: string;
  backends: BackendRow[];
  events: { at: string; text: string }[];
}

export interface DashboardData {
  counts(viewer: Viewer): Promise<Counts>;
  attention(viewer: Viewer): Promise<Attention>;

  catalog(viewer: Viewer, search: string): Promise<CatalogServiceRow[]>;
  createCatalogEntry(viewer: Viewer, entry: NewCatalogEntry): Promise<void>;
  planVisibility(viewer: Viewer, planGuid: string, orgSearch: string): Promise<PlanVisibility>;
  setPlanVisibility(
    viewer: Viewer,
    planGuid: string,
    change: { grant: string[]; revoke: string[] },
  ): Promise<void>;

  brokers(viewer: Viewer): Promise<BrokerRow[]>;
  registerBroker(viewer: Viewer, form: BrokerForm): Promise<void>;
  updateBroker(viewer: Viewer, guid: string, form: BrokerForm): Promise<void>;
  resyncBroker(viewer: Viewer, guid: string): Promise<void>;
  deleteBroker(viewer: Viewer, guid: string): Promise<void>;

  instanceFilters(
    viewer: Viewer,
  ): Promise<{ orgs: Choice[]; spaces: Choice[]; services: Choice[] }>;
  instances(viewer: Viewer, filter: InstanceFilter): Promise<InstanceRow[]>;
  marketplace(viewer: Viewer): Promise<{ spaces: Choice[]; plans: MarketplacePlan[] }>;
  createInstance(viewer: Viewer, input: NewInstance): Promise<void>;
  deleteInstance(viewer: Viewer, guid: string): Promise<void>;

  containers(viewer: Viewer): Promise<ContainerRow[]>;
  container(viewer: Viewer, name: string): Promise<ContainerDetail>;
  scaleContainer(viewer: Viewer, name: string, replicas: number): Promise<void>;
  updateContainerImage(viewer: Viewer, name: string, image: string): Promise<void>;
  setContainerFip(viewer: Viewer, name: string, fip: string): Promise<void>;
  deleteContainer(viewer: Viewer, name: string): Promise<void>;
}

/**
 * An expected failure, in words fit for the page (a CF description, a container-service message).
 * The adapter translates the features' own errors into this; anything else is a bug (500).
 */
export class DashboardProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DashboardProblem';
  }
}
