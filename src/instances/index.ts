export { BrokerProvisioner } from './broker-provisioner';
export { InstanceContext } from './instance-context';
export { InstanceOperationJobs } from './operation-jobs';
export type { PollingSettings } from './operation-jobs';
export type { Provisioner, InstanceTarget, OperationOutcome, PollOutcome } from './provisioner';
export { createInstanceRoutes } from './routes';
export { InstancesService } from './service';
export type { ProvisionerResolver } from './service';
export { KeysService } from './keys-service';
