import type { Timestamped } from '../http/envelope';

export interface RegisteredBroker extends Timestamped {
  id: number;
  name: string;
  brokerUrl: string;
  authUsername: string;
  /** Sealed with the SecretBox; decrypted only to call the broker. */
  authPasswordEncrypted: string;
  spaceId: number | null;
  spaceGuid: string | null;
}
