import type { Timestamped } from '../http/envelope';

export interface UserProvidedInstance extends Timestamped {
  id: number;
  name: string;
  spaceId: number;
  spaceGuid: string;
  /** Sealed with the key ring; opened only for callers CC shows credentials to. */
  credentialsEncrypted: string;
  syslogDrainUrl: string;
  routeServiceUrl: string;
  tags: string[];
}

export interface UserProvidedFields {
  name?: string;
  credentials?: Record<string, unknown>;
  syslogDrainUrl?: string;
  routeServiceUrl?: string;
  tags?: string[];
}
