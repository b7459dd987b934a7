import type { BrokerContext } from './broker-context';
import { inBrokerTransaction } from './broker-context';
import type { Result } from './failures';
import {
  asyncRequired,
  badRequest,
  brokerFailed,
  concurrencyError,
  conflict,
  fail,
  maintenanceInfoConflict,
  ok,
} from './failures';
import {
  currentInstance,
  refreshInstance,
  settleOperation,
  waitSettled,
} from './instance-progress';
import {
  containerRefFor,
  ensureSecrets,
  renderServiceBody,
  templateFor,
} from './instance-template';
import { sameJson } from './json-equal';
import { OsbStore } from './store';
import type { NewInstance } from './store';
import type { OsbInstance, ProvisionDetails, ProvisionResult } from './types';

function sameAttributes(instance: OsbInstance, d: ProvisionDetails): boolean {
  return (
    instance.serviceId === d.serviceId &&
    instance.planId === d.planId &&
    instance.organizationGuid === d.organizationGuid &&
    instance.spaceGuid === d.spaceGuid &&
    sameJson(instance.parameters, d.parameters)
  );
}

/** A PUT for an id that exists: 200 identical, 202 again while in progress, 409 otherwise (§7.1). */
function answerExisting(instance: OsbInstance, d: ProvisionDetails): Result<ProvisionResult> {
  if (!sameAttributes(instance, d))
    return fail(
      conflict(`Service instance ${d.instanceId} already exists with different attributes.`),
    );
  switch (instance.state) {
    case 'ready':
    case 'updating':
      return ok({ kind: 'exists' });
    case 'provisioning':
      // A re-sent PUT gets 202 with the same operation (§5); a synchronous one cannot wait for it.
      if (d.acceptsIncomplete && instance.operationGuid !== null)
        return ok({ kind: 'accepted', operation: instance.operationGuid });
      return fail(
        asyncRequired(
          `Service instance ${d.instanceId} is still being provisioned; poll last_operation or resend with accepts_incomplete=true.`,
        ),
      );
    case 'deprovisioning':
      return fail(concurrencyError(`Service instance ${d.instanceId} is being deprovisioned.`));
    case 'failed':
      return fail(
        conflict(
          `Service instance ${d.instanceId} exists but its provisioning failed; deprovision it first.`,
        ),
      );
  }
}

/** Forgets an instance whose provisioning did not get anywhere (so the 4xx changed nothing). */
async function discard(
  ctx: BrokerContext,
  instanceId: string,
  operationGuid: string,
): Promise<void> {
  await inBrokerTransaction(ctx, async (store) => {
    await store.deleteInstance(instanceId);
    await store.deleteOperation(operationGuid);
  });
}

async function prepare(
  ctx: BrokerContext,
  d: ProvisionDetails,
): Promise<Result<{ instance: NewInstance; body: Record<string, unknown> }>> {
  const entry = await ctx.catalog.findService(d.serviceId);
  if (entry === undefined)
    return fail(badRequest(`service_id ${d.serviceId} is not a service of this broker's catalog.`));
  const plan = entry.plans.find((p) => p.uniqueId === d.planId);
  if (plan === undefined)
    return fail(badRequest(`plan_id ${d.planId} is not a plan of service ${entry.service.label}.`));
  const current = plan.maintenanceInfo?.version;
  if (d.maintenanceInfoVersion !== undefined && d.maintenanceInfoVersion !== current) {
    return fail(
      maintenanceInfoConflict(
        `maintenance_info.version ${d.maintenanceInfoVersion} does not match the plan's ${current ?? '(none)'}.`,
      ),
    );
  }
  const template = templateFor(entry.service, plan);
  if (!template.ok)
    return fail(brokerFailed(`The catalog entry cannot be provisioned: ${template.message}`));
  const container = containerRefFor(d.instanceId, d.spaceGuid);
  const secrets = ensureSecrets(template.value, {}, () => ctx.newSecret());
  const body = renderServiceBody(template.value, d.parameters, secrets, container, d.instanceId);
  if (!body.ok) return fail(badRequest(`parameters: ${body.message}`));
  return ok({
    body: body.value,
    instance: {
      instanceId: d.instanceId,
      serviceId: d.serviceId,
      planId: d.planId,
      serviceGuid: entry.service.guid,
      planGuid: plan.guid,
      organizationGuid: d.organizationGuid,
      spaceGuid: d.spaceGuid,
      context: d.context,
      parameters: d.parameters,
      secrets,
      maintenanceInfoVersion: current ?? null,
      container,
    },
  });
}

/** Waits for a synchronous provision; on failure or timeout removes everything it made. */
async function finishSynchronously(
  ctx: BrokerContext,
  instance: NewInstance,
  operationGuid: string,
): Promise<Result<ProvisionResult>> {
  const outcome = await waitSettled(ctx, instance.container, ctx.settings.syncTimeoutMs);
  if (outcome.state === 'succeeded') {
    const stored = await ctx.store.findInstance(instance.instanceId);
    if (stored?.operationGuid !== operationGuid)
      return fail(
        brokerFailed(
          `Service instance ${instance.instanceId} was deprovisioned while it was being provisioned.`,
        ),
      );
    await settleOperation(ctx, stored, outcome);
    return ok({ kind: 'created' });
  }
  await ctx.engine.remove(instance.container);
  await discard(ctx, instance.instanceId, operationGuid);
  if (outcome.state === 'timeout') {
    const seconds = Math.round(ctx.settings.syncTimeoutMs / 1000);
    return fail(
      asyncRequired(
        `Provisioning takes longer than ${seconds} s (${outcome.description}); resend with accepts_incomplete=true.`,
      ),
    );
  }
  return fail(
    brokerFailed(
      `The container service failed: ${outcome.state === 'gone' ? 'it is gone' : outcome.description}`,
    ),
  );
}

/** `PUT /v2/service_instances/:instance_id` (osb-api.md §7.1). */
export async function provisionInstance(
  ctx: BrokerContext,
  d: ProvisionDetails,
): Promise<Result<ProvisionResult>> {
  const existing = await currentInstance(ctx, d.instanceId);
  if (existing !== undefined) return answerExisting(existing, d);
  const prepared = await prepare(ctx, d);
  if (!prepared.ok) return prepared;
  const { instance, body } = prepared.value;
  const operation = OsbStore.newOperation(
    d.instanceId,
    null,
    'provision',
    'in progress',
    'Provisioning',
  );
  const inserted = await inBrokerTransaction(ctx, async (store) => {
    if (!(await store.insertInstance(instance, operation.guid))) return false;
    await store.insertOperation(operation);
    return true;
  });
  if (!inserted) {
    // Another request provisioned this id between our look and our insert.
    const raced = await ctx.store.findInstance(d.instanceId);
    return raced === undefined
      ? fail(concurrencyError())
      : answerExisting((await refreshInstance(ctx, raced)) ?? raced, d);
  }
  const created = await ctx.engine.create(instance.container, body);
  if (!created.ok) {
    await discard(ctx, d.instanceId, operation.guid);
    return fail(
      created.reason === 'conflict'
        ? conflict(created.message)
        : badRequest(`parameters: ${created.message}`),
    );
  }
  if (d.acceptsIncomplete) return ok({ kind: 'accepted', operation: operation.guid });
  return finishSynchronously(ctx, instance, operation.guid);
}
