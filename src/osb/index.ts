export { createOsbBrokerRouter } from './routes';
export type { OsbBrokerRouterDeps } from './routes';
export { createOsbBroker, WharfServiceBroker } from './broker';
export type { OsbBrokerServiceDeps } from './broker';
export { ContainerServiceEngine } from './container-engine';
export type { ContainerEngine, EngineProgress, EngineOutcome, InPlaceSettings } from './engine';
export type { ServiceBroker } from './service-broker';
export type { BrokerCredentials } from './basic-auth';
export { loadOrCreateBrokerCredentials } from './broker-credentials';
