import type { Timestamped } from '../http/envelope';

export interface QuotaDefinition extends Timestamped {
  id: number;
  name: string;
}
