/** An OSB catalog after validation (osb-api.md §4), in OSB's own names where they are wire names. */
export interface OsbMaintenanceInfo {
  version: string;
  description?: string;
}

export interface OsbPlan {
  id: string;
  name: string;
  description: string;
  metadata?: Record<string, unknown>;
  free?: boolean;
  bindable?: boolean;
  plan_updateable?: boolean;
  maximum_polling_duration?: number;
  maintenance_info?: OsbMaintenanceInfo;
  schemas?: Record<string, unknown>;
}

export interface OsbService {
  id: string;
  name: string;
  description: string;
  bindable: boolean;
  tags?: string[];
  requires?: string[];
  metadata?: Record<string, unknown>;
  plan_updateable?: boolean;
  bindings_retrievable?: boolean;
  instances_retrievable?: boolean;
  allow_context_updates?: boolean;
  dashboard_client?: { id: string; secret: string; redirect_uri: string };
  plans: OsbPlan[];
}

export interface OsbCatalog {
  services: OsbService[];
}
