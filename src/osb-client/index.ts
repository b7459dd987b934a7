export type { OsbClient } from './client';
export {
  DEFAULT_OSB_MAX_BODY_BYTES,
  DEFAULT_OSB_TIMEOUT_MS,
  HttpOsbClient,
} from './http-osb-client';
export type { OsbClientOptions } from './http-osb-client';
export { BrokerError, isBrokerFailure } from './broker-error';
export type {
  BrokerErrorHttp,
  BrokerErrorName,
  BrokerRequestInfo,
  BrokerResponseInfo,
} from './broker-error';
export type { OsbResponse } from './response';
export type {
  AsyncFlag,
  BindingRef,
  InstanceRef,
  OfferingRef,
  OsbBindBody,
  OsbProvisionBody,
  OsbUpdateBody,
} from './requests';
export { reasonPhrase } from './status-text';
export { redactSecrets, secretFormsOf } from './redaction';
export type { BrokerConnection, OsbCallContext } from './types';
export type {
  BindResult,
  DeprovisionResult,
  FetchBindingResult,
  FetchInstanceResult,
  LastOperationResult,
  ProvisionResult,
  UnbindResult,
  UpdateResult,
} from './results';
