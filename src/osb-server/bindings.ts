import type { BrokerContext } from './broker-context';
import { inBrokerTransaction } from './broker-context';
import type { Result } from './failures';
import {
  badRequest,
  brokerFailed,
  concurrencyError,
  conflict,
  fail,
  gone,
  notFound,
  ok,
  unprocessable,
} from './failures';
import { currentInstance } from './instance-progress';
import { ensureSecrets, renderCredentials, templateFor } from './instance-template';
import { sameJson } from './json-equal';
import { OsbStore } from './store';
import type {
  BindDetails,
  BindingView,
  BindResult,
  OsbBinding,
  OsbInstance,
  UnbindDetails,
} from './types';

function sameBinding(binding: OsbBinding, d: BindDetails): boolean {
  return (
    binding.instanceId === d.instanceId &&
    binding.serviceId === d.serviceId &&
    binding.planId === d.planId &&
    binding.appGuid === (d.appGuid ?? null) &&
    sameJson(binding.bindResource, d.bindResource) &&
    sameJson(binding.parameters, d.parameters)
  );
}

async function viewOf(ctx: BrokerContext, binding: OsbBinding): Promise<BindingView> {
  const instance = await ctx.store.findInstance(binding.instanceId);
  const endpoint =
    instance === undefined ? undefined : await ctx.engine.endpoint(instance.container);
  return { credentials: binding.credentials, endpoint, parameters: binding.parameters };
}

/** 200 with the stored credentials for the identical request, 409 for any other (§8.1). */
async function answerExisting(
  ctx: BrokerContext,
  binding: OsbBinding,
  d: BindDetails,
): Promise<Result<BindResult>> {
  if (!sameBinding(binding, d))
    return fail(
      conflict(`Service binding ${d.bindingId} already exists with different attributes.`),
    );
  return ok({ kind: 'exists', binding: await viewOf(ctx, binding) });
}

function checkInstance(instance: OsbInstance, d: BindDetails): Result<OsbInstance> {
  if (d.serviceId !== instance.serviceId || d.planId !== instance.planId) {
    return fail(
      badRequest(
        `service_id and plan_id must be those of instance ${d.instanceId} (${instance.serviceId}, ${instance.planId}).`,
      ),
    );
  }
  switch (instance.state) {
    case 'ready':
      return ok(instance);
    // Creating a binding counts as a mutation of its instance, so bindings wait their turn (§5).
    case 'provisioning':
    case 'updating':
    case 'deprovisioning':
      return fail(concurrencyError());
    case 'failed':
      return fail(
        unprocessable(`Service instance ${d.instanceId} failed to provision and cannot be bound.`),
      );
  }
}

async function renderBinding(
  ctx: BrokerContext,
  instance: OsbInstance,
  d: BindDetails,
): Promise<Result<OsbBinding>> {
  const match = await ctx.catalog.byGuids(instance.serviceGuid, instance.planGuid);
  if (match === undefined)
    return fail(brokerFailed('The plan of this instance is no longer in the catalog.'));
  if (!(match.plan.bindable ?? match.service.bindable))
    return fail(badRequest(`The plan ${match.plan.name} is not bindable.`));
  // The template has no binding parameters: everything a binding hands out comes from the instance.
  if (Object.keys(d.parameters).length > 0)
    return fail(
      badRequest(
        `parameters: this service accepts no binding parameters (${Object.keys(d.parameters).join(', ')}).`,
      ),
    );
  const template = templateFor(match.service, match.plan);
  if (!template.ok) return fail(brokerFailed(template.message));
  const endpoint = await ctx.engine.endpoint(instance.container);
  if (endpoint === undefined)
    return fail(brokerFailed(`Service instance ${d.instanceId} has no published address yet.`));
  const secrets = ensureSecrets(template.value, instance.secrets, () => ctx.newSecret());
  if (!sameJson(secrets, instance.secrets))
    await ctx.store.writeSecrets(instance.instanceId, secrets);
  return ok({
    bindingId: d.bindingId,
    instanceId: d.instanceId,
    serviceId: d.serviceId,
    planId: d.planId,
    appGuid: d.appGuid ?? null,
    bindResource: d.bindResource,
    parameters: d.parameters,
    credentials: renderCredentials(template.value, endpoint, secrets, instance.container),
  });
}

/**
 * `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id` (osb-api.md §8.1), always
 * synchronous: the credentials are rendered from the template with the instance's address and
 * secrets. Secrets are per instance (the container has one password), not per binding.
 */
export async function bindInstance(
  ctx: BrokerContext,
  d: BindDetails,
): Promise<Result<BindResult>> {
  const existing = await ctx.store.findBinding(d.bindingId);
  if (existing !== undefined) return answerExisting(ctx, existing, d);
  const found = await currentInstance(ctx, d.instanceId);
  if (found === undefined)
    return fail(notFound(`Service instance ${d.instanceId} does not exist.`));
  const instance = checkInstance(found, d);
  if (!instance.ok) return instance;
  const binding = await renderBinding(ctx, instance.value, d);
  if (!binding.ok) return binding;
  const inserted = await inBrokerTransaction(ctx, async (store) => {
    if (!(await store.insertBinding(binding.value))) return false;
    await store.insertOperation(
      OsbStore.newOperation(d.instanceId, d.bindingId, 'bind', 'succeeded', 'Bound'),
    );
    return true;
  });
  if (!inserted) {
    const raced = await ctx.store.findBinding(d.bindingId);
    return raced === undefined ? fail(concurrencyError()) : answerExisting(ctx, raced, d);
  }
  return ok({ kind: 'created', binding: await viewOf(ctx, binding.value) });
}

/** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` (osb-api.md §8.3). */
export async function fetchBinding(
  ctx: BrokerContext,
  instanceId: string,
  bindingId: string,
): Promise<Result<BindingView>> {
  const binding = await ctx.store.findBinding(bindingId);
  if (binding?.instanceId !== instanceId)
    return fail(notFound(`Service binding ${bindingId} does not exist.`));
  return ok(await viewOf(ctx, binding));
}

/** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id` (§8.4): 410 if unknown. */
export async function unbindInstance(ctx: BrokerContext, d: UnbindDetails): Promise<Result<void>> {
  const deleted = await inBrokerTransaction(ctx, async (store) => {
    if (!(await store.deleteBinding(d.instanceId, d.bindingId))) return false;
    await store.insertOperation(
      OsbStore.newOperation(d.instanceId, d.bindingId, 'unbind', 'succeeded', 'Unbound'),
    );
    return true;
  });
  return deleted ? ok(undefined) : fail(gone);
}
