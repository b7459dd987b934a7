import { presentResource } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { RegisteredBroker } from './types';

/** `auth_password` is write-only: it appears in no response (cf-v2-api.md §3.3). */
export function presentBroker(broker: RegisteredBroker): Resource<Record<string, unknown>> {
  return presentResource('service_brokers', broker, {
    name: broker.name,
    broker_url: broker.brokerUrl,
    auth_username: broker.authUsername,
    space_guid: broker.spaceGuid,
  });
}
