export { BrokersService } from './service';
export type { CatalogFetcher, CatalogValidator, BrokerResult } from './service';
export { createBrokerRoutes } from './routes';
export type { RegisteredBroker } from './types';
