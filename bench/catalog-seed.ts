import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { currentTimestamp } from '../src/db/timestamps';

export interface CatalogSeed {
  serviceGuids: string[];
  memberUserGuid: string;
}

async function insertMany(
  trx: Knex.Transaction,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  // 500 rows a statement stays under SQLite's bound-variable limit for these tables.
  for (let i = 0; i < rows.length; i += 500) await trx(table).insert(rows.slice(i, i + 500));
}

/**
 * The scale: 10,000 services × 3 plans (one public, two private), 7,000 organizations,
 * 200,000 plan visibilities, and one user who belongs to 50 organizations.
 */
export async function seedCatalog(
  knex: Knex,
  counts = { services: 10000, orgs: 7000, visibilities: 200000 },
): Promise<CatalogSeed> {
  const now = currentTimestamp();
  const stamp = { created_at: now, updated_at: now };
  const memberUserGuid = randomUUID();
  const serviceGuids: string[] = [];
  await knex.transaction(async (trx) => {
    const services = Array.from({ length: counts.services }, (_, i) => {
      const guid = randomUUID();
      serviceGuids.push(guid);
      return {
        guid,
        label: `service-${i}`,
        description: `Service number ${i}`,
        unique_id: `svc-${i}`,
        active: true,
        bindable: true,
        tags: '["bench"]',
        requires: '[]',
        extra: '{"displayName":"Bench"}',
        ...stamp,
      };
    });
    await insertMany(trx, 'services', services);
    const plans = Array.from({ length: counts.services * 3 }, (_, i) => ({
      guid: randomUUID(),
      name: `plan-${i % 3}`,
      description: 'A plan',
      unique_id: `plan-${i}`,
      service_id: Math.floor(i / 3) + 1,
      public: i % 3 === 0,
      active: true,
      free: true,
      ...stamp,
    }));
    await insertMany(trx, 'service_plans', plans);
    const orgs = Array.from({ length: counts.orgs }, (_, i) => ({
      guid: randomUUID(),
      name: `org-${i}`,
      status: 'active',
      billing_enabled: false,
      ...stamp,
    }));
    await insertMany(trx, 'organizations', orgs);
    await trx('users').insert({
      guid: memberUserGuid,
      username: 'bench-member',
      origin: 'uaa',
      scopes: JSON.stringify(['cloud_controller.read']),
      ...stamp,
    });
    const memberId =
      (await trx('users').where({ guid: memberUserGuid }).first<{ id: number }>('id'))?.id ?? 0;
    await insertMany(
      trx,
      'organization_roles',
      Array.from({ length: 50 }, (_, i) => ({
        organization_id: i * 100 + 1,
        user_id: memberId,
        role: 'users',
      })),
    );
    const visibilities: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    const privatePlans = counts.services * 2;
    for (let i = 0; visibilities.length < counts.visibilities; i++) {
      // Private plans only (two of every three), spread over every organization.
      const p = i % privatePlans;
      const planId = Math.floor(p / 2) * 3 + (p % 2) + 2;
      const orgId = ((i * 7919 + Math.floor(i / privatePlans)) % counts.orgs) + 1;
      const key = `${planId}:${orgId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      visibilities.push({
        guid: randomUUID(),
        service_plan_id: planId,
        organization_id: orgId,
        ...stamp,
      });
    }
    await insertMany(trx, 'service_plan_visibilities', visibilities);
  });
  return { serviceGuids, memberUserGuid };
}
