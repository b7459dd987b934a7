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
  /** This broker's own request timeout; null means WHARF_BROKER_TIMEOUT_SECONDS. */
  timeoutSeconds: number | null;
  /** The outcome of the last catalog sync; null before the first one was recorded. */
  lastSync: BrokerSyncOutcome | null;
}

export interface BrokerSyncOutcome {
  at: Date;
  ok: boolean;
  /** What went wrong, in the words CC would answer with; null when it went fine. */
  error: string | null;
}
