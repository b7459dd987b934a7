import type { Timestamped } from '../http/envelope';

/** A stored service: its writable fields plus identity and the broker it came from. */
export interface Service extends Timestamped, Omit<ServiceFields, 'tags' | 'requires'> {
  id: number;
  tags: string[];
  requires: string[];
  serviceBrokerGuid: string | null;
  serviceBrokerName: string | null;
}

export interface MaintenanceInfo {
  version: string;
  description?: string;
}

export interface PlanSchemas {
  service_instance: {
    create: { parameters: Record<string, unknown> };
    update: { parameters: Record<string, unknown> };
  };
  service_binding: { create: { parameters: Record<string, unknown> } };
}

export interface ServicePlan extends Timestamped {
  id: number;
  name: string;
  description: string;
  free: boolean;
  public: boolean;
  active: boolean;
  /** The plan's own value; null means "inherit the service's". */
  bindable: boolean | null;
  planUpdateable: boolean | null;
  maximumPollingDuration: number | null;
  maintenanceInfo: MaintenanceInfo | null;
  schemas: PlanSchemas;
  extra: string | null;
  uniqueId: string;
  serviceId: number;
  serviceGuid: string;
  serviceBindable: boolean;
  /** The owning service's broker; null for broker-less entries. */
  serviceBrokerId: number | null;
}

export interface PlanVisibility extends Timestamped {
  id: number;
  servicePlanGuid: string;
  organizationGuid: string;
}

/** Who is looking, reduced to what catalog visibility needs. */
export type CatalogViewer =
  | { kind: 'anonymous' }
  | { kind: 'everything' }
  | { kind: 'user'; userGuid: string }
  /** The marketplace of one space: what its organization may use, plus its private brokers. */
  | { kind: 'space'; organizationId: number; spaceId: number };

/** The writable columns of a service, in Wharf's names. */
export interface ServiceFields {
  label: string;
  description: string;
  longDescription: string | null;
  infoUrl: string | null;
  documentationUrl: string | null;
  provider: string | null;
  url: string | null;
  version: string | null;
  timeout: number | null;
  active: boolean;
  bindable: boolean;
  /** A JSON-encoded string, as CF keeps catalog metadata. */
  extra: string | null;
  uniqueId: string;
  tags: readonly string[];
  requires: readonly string[];
  planUpdateable: boolean;
  bindingsRetrievable: boolean;
  instancesRetrievable: boolean;
  allowContextUpdates: boolean;
}

/** The writable columns of a plan, in Wharf's names. */
export interface PlanFields {
  name: string;
  description: string;
  free: boolean;
  public: boolean;
  active: boolean;
  bindable: boolean | null;
  planUpdateable: boolean | null;
  maximumPollingDuration: number | null;
  maintenanceInfo: MaintenanceInfo | null;
  schemas: unknown;
  extra: string | null;
  uniqueId: string;
}

type Optional<T> = { [K in keyof T]?: T[K] | undefined };

/**
 * A new broker-less catalog entry (`POST /v2/services`, the dashboard's catalog form). Absent
 * fields take CC's defaults; `serviceBrokerGuid` ties it to a registered broker.
 */
export type CreateServiceCommand = Pick<ServiceFields, 'label' | 'description'> &
  Optional<Omit<ServiceFields, 'label' | 'description'>> & {
    serviceBrokerGuid?: string | undefined;
  };

/** Only the fields given change. */
export type UpdateServiceCommand = Optional<ServiceFields>;

/** A new plan of a broker-less service; absent fields take CC's defaults. */
export type CreatePlanCommand = Pick<PlanFields, 'name' | 'description'> &
  Optional<Omit<PlanFields, 'name' | 'description'>> & { serviceGuid: string };

/** Only the fields given change; a broker's plan takes only `public`. */
export type UpdatePlanCommand = Optional<PlanFields>;

/** Which organization may use which non-public plan. */
export interface VisibilityCommand {
  servicePlanGuid: string;
  organizationGuid: string;
}
