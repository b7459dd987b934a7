import type { BrokerContext } from './broker-context';
import { inBrokerTransaction } from './broker-context';
import type { CatalogMatch } from './catalog-source';
import type { Result } from './failures';
import {
  asyncRequired,
  badRequest,
  brokerFailed,
  concurrencyError,
  fail,
  maintenanceInfoConflict,
  notFound,
  ok,
  unprocessable,
} from './failures';
import { bodyOf, currentInstance, settleOperation, waitSettled } from './instance-progress';
import {
  ensureSecrets,
  renderServiceBody,
  templateFor,
  toInPlaceChange,
} from './instance-template';
import type { InPlaceChange } from './instance-template';
import { sameJson } from './json-equal';
import { OsbStore } from './store';
import type { OsbInstance, PendingUpdate, UpdateDetails, UpdateResult } from './types';

function sameAsPending(instance: OsbInstance, wanted: PendingUpdate): boolean {
  return (
    instance.pending !== null &&
    instance.pending.planId === wanted.planId &&
    sameJson(instance.pending.parameters, wanted.parameters) &&
    instance.pending.maintenanceInfoVersion === wanted.maintenanceInfoVersion
  );
}

/** The plan an update moves to: the same one, or another plan of the service if it may change. */
async function targetPlan(
  ctx: BrokerContext,
  instance: OsbInstance,
  d: UpdateDetails,
): Promise<Result<CatalogMatch>> {
  if (d.planId === undefined || d.planId === instance.planId) {
    const current = await ctx.catalog.byGuids(instance.serviceGuid, instance.planGuid);
    return current === undefined
      ? fail(brokerFailed('The plan of this instance is no longer in the catalog.'))
      : ok(current);
  }
  const entry = await ctx.catalog.findService(instance.serviceId);
  const plan = entry?.plans.find((p) => p.uniqueId === d.planId);
  if (entry === undefined || plan === undefined)
    return fail(badRequest(`plan_id ${d.planId} is not a plan of this instance's service.`));
  // Platforms must not ask for a plan change the catalog does not allow (§7.3); if one does: 422.
  if (!(plan.planUpdateable ?? entry.service.planUpdateable))
    return fail(
      unprocessable(`The service ${entry.service.label} does not support changing plans.`),
    );
  return ok({ service: entry.service, plan });
}

interface PlannedUpdate {
  wanted: PendingUpdate;
  change: InPlaceChange;
  secrets: Record<string, string>;
}

async function planUpdate(
  ctx: BrokerContext,
  instance: OsbInstance,
  d: UpdateDetails,
): Promise<Result<PlannedUpdate>> {
  const target = await targetPlan(ctx, instance, d);
  if (!target.ok) return target;
  const { service, plan } = target.value;
  const planVersion = plan.maintenanceInfo?.version;
  if (d.maintenanceInfoVersion !== undefined && d.maintenanceInfoVersion !== planVersion) {
    return fail(
      maintenanceInfoConflict(
        `maintenance_info.version ${d.maintenanceInfoVersion} does not match the plan's ${planVersion ?? '(none)'}.`,
      ),
    );
  }
  const planChanged = plan.uniqueId !== instance.planId;
  const wanted: PendingUpdate = {
    planId: plan.uniqueId,
    planGuid: plan.guid,
    // Absent parameters do not change; given ones are merged over the current ones (§7.3).
    parameters:
      d.parameters === undefined
        ? instance.parameters
        : { ...instance.parameters, ...d.parameters },
    maintenanceInfoVersion:
      d.maintenanceInfoVersion ??
      (planChanged ? (planVersion ?? null) : instance.maintenanceInfoVersion),
  };
  const template = templateFor(service, plan);
  if (!template.ok)
    return fail(brokerFailed(`The catalog entry cannot be provisioned: ${template.message}`));
  const secrets = ensureSecrets(template.value, instance.secrets, () => ctx.newSecret());
  const after = renderServiceBody(
    template.value,
    wanted.parameters,
    secrets,
    instance.container,
    instance.instanceId,
  );
  if (!after.ok) return fail(badRequest(`parameters: ${after.message}`));
  const before = await bodyOf(ctx, instance, instance, instance.parameters);
  const current = await ctx.engine.settings(instance.container);
  if (!before.ok || current === undefined)
    return fail(
      brokerFailed(before.ok ? 'The container service of this instance is gone.' : before.message),
    );
  return ok({ wanted, change: toInPlaceChange(before.value, after.value, current), secrets });
}

async function waitForUpdate(
  ctx: BrokerContext,
  instance: OsbInstance,
  operationGuid: string,
): Promise<Result<UpdateResult>> {
  const outcome = await waitSettled(ctx, instance.container, ctx.settings.syncTimeoutMs);
  const claimed = await ctx.store.findInstance(instance.instanceId);
  if (claimed?.operationGuid !== operationGuid)
    return fail(
      brokerFailed(`Service instance ${instance.instanceId} changed while it was being updated.`),
    );
  // Success applies the pending plan; failure and timeout go back to the old replicas and image.
  await settleOperation(
    ctx,
    claimed,
    outcome.state === 'timeout' ? { state: 'failed', description: outcome.description } : outcome,
  );
  switch (outcome.state) {
    case 'succeeded':
      return ok({ kind: 'done' });
    case 'timeout':
      return fail(
        asyncRequired(
          `Updating takes longer than ${Math.round(ctx.settings.syncTimeoutMs / 1000)} s (${outcome.description}); resend with accepts_incomplete=true.`,
        ),
      );
    case 'gone':
      return fail(brokerFailed('The container service of this instance is gone.'));
    case 'failed':
    case 'in progress':
      return fail(brokerFailed(`The container service failed: ${outcome.description}`));
  }
}

/** `PATCH /v2/service_instances/:instance_id` (osb-api.md §7.3): a plan change scales or rolls. */
export async function updateInstance(
  ctx: BrokerContext,
  d: UpdateDetails,
): Promise<Result<UpdateResult>> {
  const instance = await currentInstance(ctx, d.instanceId);
  if (instance === undefined)
    return fail(notFound(`Service instance ${d.instanceId} does not exist.`));
  if (d.serviceId !== instance.serviceId)
    return fail(
      badRequest(`service_id ${d.serviceId} is not the service of instance ${d.instanceId}.`),
    );
  switch (instance.state) {
    case 'provisioning':
    case 'deprovisioning':
      return fail(concurrencyError());
    case 'failed':
      return fail(
        unprocessable(
          `Service instance ${d.instanceId} failed to provision and cannot be updated; deprovision it.`,
        ),
      );
    case 'updating':
    case 'ready':
      break;
  }
  const planned = await planUpdate(ctx, instance, d);
  if (!planned.ok) return planned;
  const { wanted, change, secrets } = planned.value;
  if (instance.state === 'updating') {
    // The same PATCH re-sent while it runs gets 202 and the same operation again (§5).
    if (d.acceptsIncomplete && instance.operationGuid !== null && sameAsPending(instance, wanted))
      return ok({ kind: 'accepted', operation: instance.operationGuid });
    return fail(concurrencyError());
  }
  if (!change.ok) {
    return fail(
      unprocessable(
        `Changing ${change.fields.join(', ')} needs a new container service; this broker can only scale an instance or change its image.`,
      ),
    );
  }
  if (!sameJson(secrets, instance.secrets))
    await ctx.store.writeSecrets(instance.instanceId, secrets);
  const unchanged =
    wanted.planId === instance.planId &&
    sameJson(wanted.parameters, instance.parameters) &&
    wanted.maintenanceInfoVersion === instance.maintenanceInfoVersion;
  if (unchanged) return ok({ kind: 'done' });
  if (Object.keys(change.change).length === 0) {
    // Nothing for the engine to do: record the new plan and parameters, 200 (§7.3 "no effect").
    return (await ctx.store.applyWithoutOperation(instance.instanceId, wanted))
      ? ok({ kind: 'done' })
      : fail(concurrencyError());
  }
  const operation = OsbStore.newOperation(d.instanceId, null, 'update', 'in progress', 'Updating');
  const claimed = await inBrokerTransaction(ctx, async (store) => {
    if (!(await store.claim(d.instanceId, ['ready'], 'updating', operation.guid, wanted)))
      return false;
    await store.insertOperation(operation);
    return true;
  });
  if (!claimed) return fail(concurrencyError());
  const updated = await ctx.engine.update(instance.container, change.change);
  if (!updated.ok) {
    await ctx.store.release(d.instanceId, operation.guid, { state: 'ready' });
    await ctx.store.deleteOperation(operation.guid);
    return fail(badRequest(`parameters: ${updated.message}`));
  }
  if (d.acceptsIncomplete) return ok({ kind: 'accepted', operation: operation.guid });
  return waitForUpdate(ctx, instance, operation.guid);
}
