import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Knex } from '../../src/db/knex';
import type { CfErrorBody } from './cf-expect';
import { createOrg, createSpace } from './orgs';
import { bearer } from './test-wharf';
import type { TestWharf } from './test-wharf';

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Catalog fixtures for the catalog specs, built through the API (or rows where CF has no API). */
export interface CatalogHelpers {
  createService(body: Record<string, unknown>): Promise<string>;
  createPlan(serviceGuid: string, body?: Record<string, unknown>): Promise<string>;
  createOrg(name: string): Promise<string>;
  createSpace(orgGuid: string, name: string): Promise<string>;
  /** Returns the visibility's guid. */
  addVisibility(planGuid: string, orgGuid: string): Promise<string>;
  /** A broker row as src/brokers would store it; the catalog only reads guid, name and space_id. */
  insertBroker(name: string, spaceId?: number | null): Promise<{ id: number; guid: string }>;
  /** A broker's plan comes from its catalog, never from POST /v2/service_plans: inserted directly. */
  insertBrokerPlan(
    serviceGuid: string,
    name: string,
    fields?: Record<string, unknown>,
  ): Promise<{ id: number; guid: string }>;
  insertInstance(planGuid: string, spaceGuid: string, name: string): Promise<number>;
}

/** `wharf` is read at call time, so specs can create their Wharf in beforeAll. */
export function catalogHelpers(wharf: () => TestWharf): CatalogHelpers {
  return {
    async createService(body) {
      const w = wharf();
      const res = await request(w.app).post('/v2/services').set(bearer(w.adminToken)).send(body);
      expect(res.status).toBe(201);
      return String(res.body.metadata.guid);
    },
    async createPlan(serviceGuid, body = {}) {
      const w = wharf();
      const res = await request(w.app)
        .post('/v2/service_plans')
        .set(bearer(w.adminToken))
        .send({
          name: `plan-${randomUUID()}`,
          description: 'a plan',
          service_guid: serviceGuid,
          ...body,
        });
      expect(res.status).toBe(201);
      return String(res.body.metadata.guid);
    },
    createOrg: (name) => createOrg(wharf(), name),
    createSpace: (orgGuid, name) => createSpace(wharf(), orgGuid, name),
    async addVisibility(planGuid, orgGuid) {
      const w = wharf();
      const res = await request(w.app)
        .post('/v2/service_plan_visibilities')
        .set(bearer(w.adminToken))
        .send({ service_plan_guid: planGuid, organization_guid: orgGuid });
      expect(res.status).toBe(201);
      return String(res.body.metadata.guid);
    },
    async insertBroker(name, spaceId = null) {
      const guid = randomUUID();
      await wharf().knex('service_brokers').insert({
        guid,
        name,
        broker_url: 'http://127.0.0.1:1',
        auth_username: 'u',
        auth_password_encrypted: 'not-a-real-ciphertext',
        space_id: spaceId,
        created_at: now(),
        updated_at: now(),
      });
      return { id: await idOf(wharf().knex, 'service_brokers', guid), guid };
    },
    async insertBrokerPlan(serviceGuid, name, fields = {}) {
      const knex = wharf().knex;
      const service = await knex('services').where({ guid: serviceGuid }).first('id');
      const guid = randomUUID();
      await knex('service_plans').insert({
        guid,
        name,
        description: `${name} from the broker`,
        unique_id: `broker-plan-${guid}`,
        service_id: service.id,
        created_at: now(),
        updated_at: now(),
        ...fields,
      });
      return { id: await idOf(knex, 'service_plans', guid), guid };
    },
    async insertInstance(planGuid, spaceGuid, name) {
      const knex = wharf().knex;
      const plan = await knex('service_plans').where({ guid: planGuid }).first('id');
      const space = await knex('spaces').where({ guid: spaceGuid }).first('id');
      const guid = randomUUID();
      await knex('service_instances').insert({
        guid,
        name,
        space_id: space.id,
        service_plan_id: plan.id,
        created_at: now(),
        updated_at: now(),
      });
      return idOf(knex, 'service_instances', guid);
    },
  };
}

/** The id of the row just inserted with `guid` (PostgreSQL returns no ids from a bare insert). */
async function idOf(knex: Knex, table: string, guid: string): Promise<number> {
  const row: { id: number | string } | undefined = await knex(table).where({ guid }).first('id');
  if (row === undefined) throw new Error(`no ${table} row ${guid}`);
  return Number(row.id);
}

export function cfError(code: number, errorCode: string, description: string): CfErrorBody {
  return { description, error_code: errorCode, code };
}

export interface ListBody {
  resources: { metadata: { guid: string }; entity: Record<string, unknown> }[];
}

export function guidsOf(body: ListBody): string[] {
  return body.resources.map((r) => r.metadata.guid);
}

export function fieldOf(body: ListBody, key: string): unknown[] {
  return body.resources.map((r) => r.entity[key]);
}

export function labelsOf(body: ListBody): string[] {
  return body.resources.map((r) => String(r.entity.label));
}
