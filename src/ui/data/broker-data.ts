import type { AuthContext } from '../../auth/auth-context';
import type { BrokersService } from '../../broker-registry';
import {
  createBrokerBody,
  toRegisterCommand,
  toUpdateCommand,
  updateBrokerBody,
} from '../../broker-registry/schemas';
import type { BrokerForm, BrokerRow } from '../ports';
import { expected, invalidForm } from './expected';

export interface BrokerSyncState {
  at: string | null;
  ok: boolean | null;
  error: string | null;
}

export interface BrokerDataDeps {
  brokers: BrokersService;
  /** Services per broker guid. */
  serviceCounts: () => Promise<Map<string, number>>;
  /** The last sync of each broker guid, where one was recorded. */
  syncStates: () => Promise<Map<string, BrokerSyncState>>;
}

const issues = (list: readonly { path: (string | number)[]; message: string }[]): string =>
  list.map((i) => `${i.path.join('.')} ${i.message}`).join(', ');

export function createBrokerData(deps: BrokerDataDeps): {
  brokers(viewer: AuthContext): Promise<BrokerRow[]>;
  registerBroker(viewer: AuthContext, form: BrokerForm): Promise<void>;
  updateBroker(viewer: AuthContext, guid: string, form: BrokerForm): Promise<void>;
  resyncBroker(viewer: AuthContext, guid: string): Promise<void>;
  deleteBroker(viewer: AuthContext, guid: string): Promise<void>;
} {
  return {
    async brokers() {
      const [all, counts, syncs] = await Promise.all([
        deps.brokers.all(),
        deps.serviceCounts(),
        deps.syncStates(),
      ]);
      return all
        .map((b) => {
          const sync = syncs.get(b.guid);
          return {
            guid: b.guid,
            name: b.name,
            url: b.brokerUrl,
            username: b.authUsername,
            serviceCount: counts.get(b.guid) ?? 0,
            lastSyncAt: sync?.at ?? null,
            lastSyncOk: sync?.ok ?? null,
            lastSyncError: sync?.error ?? null,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async registerBroker(viewer, form) {
      const body = createBrokerBody.safeParse({
        name: form.name,
        broker_url: form.url,
        auth_username: form.username,
        auth_password: form.password,
      });
      if (!body.success) throw invalidForm(issues(body.error.issues));
      await expected(() => deps.brokers.register(viewer, toRegisterCommand(body.data), { userGuid: viewer.userGuid }));
    },

    async updateBroker(viewer, guid, form) {
      const body = updateBrokerBody.safeParse({
        name: form.name,
        broker_url: form.url,
        auth_username: form.username,
        // An empty password field keeps the stored one (the form never shows it).
        ...(form.password === '' ? {} : { auth_password: form.password }),
      });
      if (!body.success) throw invalidForm(issues(body.error.issues));
      await expected(() =>
        deps.brokers.update(viewer, guid, toUpdateCommand(body.data), { userGuid: viewer.userGuid }),
      );
    },

    async resyncBroker(viewer, guid) {
      await expected(() => deps.brokers.sync(guid, { userGuid: viewer.userGuid }));
    },

    async deleteBroker(viewer, guid) {
      await expected(() => deps.brokers.remove(viewer, guid));
    },
  };
}
