import type { BrokerContext } from './broker-context';
import type { EngineProgress } from './engine';
import type { Rendered } from './instance-template';
import { inPlaceSettingsOf, renderServiceBody, templateFor } from './instance-template';
import type { ContainerRef, JsonObject, OsbInstance } from './types';

export type WaitOutcome = EngineProgress | { state: 'timeout'; description: string };

/** Looks at the container service until it settles or `timeoutMs` passes (synchronous requests). */
export async function waitSettled(
  ctx: BrokerContext,
  ref: ContainerRef,
  timeoutMs: number,
): Promise<WaitOutcome> {
  const deadline = ctx.clock.now().getTime() + timeoutMs;
  for (;;) {
    const progress = await ctx.engine.progress(ref);
    if (progress.state !== 'in progress') return progress;
    if (ctx.clock.now().getTime() >= deadline)
      return { state: 'timeout', description: progress.description };
    await ctx.clock.sleep(ctx.settings.pollMs);
  }
}

/** The create body an instance has (or would have) with a plan and parameters. */
export async function bodyOf(
  ctx: BrokerContext,
  instance: OsbInstance,
  plan: { serviceGuid: string; planGuid: string },
  parameters: JsonObject,
): Promise<Rendered<Record<string, unknown>>> {
  const match = await ctx.catalog.byGuids(plan.serviceGuid, plan.planGuid);
  if (match === undefined)
    return { ok: false, message: 'the plan of this instance is no longer in the catalog' };
  const template = templateFor(match.service, match.plan);
  if (!template.ok) return template;
  return renderServiceBody(
    template.value,
    parameters,
    instance.secrets,
    instance.container,
    instance.instanceId,
  );
}

/** Puts replicas and image back to the instance's current plan after a failed update (best effort). */
async function revertUpdate(ctx: BrokerContext, instance: OsbInstance): Promise<void> {
  const body = await bodyOf(ctx, instance, instance, instance.parameters);
  if (!body.ok) return;
  await ctx.engine.update(instance.container, inPlaceSettingsOf(body.value)).catch(() => undefined);
}

function failureText(
  progress: Exclude<WaitOutcome, { state: 'in progress' } | { state: 'succeeded' }>,
): string {
  return progress.state === 'gone' ? 'the container service is gone' : progress.description;
}

/**
 * Moves an instance's operation in progress on by what the engine reports: success applies it,
 * failure cleans up (a failed provision removes its container service, a failed update goes back
 * to the old replicas and image). Every step is conditional on the operation still being current,
 * so two requests looking at once apply it once.
 */
export async function settleOperation(
  ctx: BrokerContext,
  instance: OsbInstance,
  progress: WaitOutcome,
): Promise<void> {
  const operation = instance.operationGuid;
  if (operation === null) return;
  const { store } = ctx;
  switch (progress.state) {
    case 'in progress':
    case 'timeout':
      await store.updateOperation(operation, 'in progress', progress.description);
      return;
    case 'succeeded': {
      const applied =
        instance.state === 'updating' && instance.pending !== null ? instance.pending : undefined;
      if (await store.release(instance.instanceId, operation, { state: 'ready', applied }))
        await store.updateOperation(operation, 'succeeded', progress.description);
      return;
    }
    case 'failed':
    case 'gone': {
      const description = failureText(progress);
      if (instance.state === 'provisioning') {
        await ctx.engine.remove(instance.container);
        if (await store.release(instance.instanceId, operation, { state: 'failed' }))
          await store.updateOperation(operation, 'failed', description);
        return;
      }
      await revertUpdate(ctx, instance);
      if (await store.release(instance.instanceId, operation, { state: 'ready' }))
        await store.updateOperation(operation, 'failed', description);
      return;
    }
  }
}

/** An instance brought up to date with its container service (undefined if deleted meanwhile). */
export async function refreshInstance(
  ctx: BrokerContext,
  instance: OsbInstance,
): Promise<OsbInstance | undefined> {
  if (
    instance.operationGuid === null ||
    (instance.state !== 'provisioning' && instance.state !== 'updating')
  )
    return instance;
  await settleOperation(ctx, instance, await ctx.engine.progress(instance.container));
  return ctx.store.findInstance(instance.instanceId);
}

/** Finds an instance and brings it up to date. */
export async function currentInstance(
  ctx: BrokerContext,
  instanceId: string,
): Promise<OsbInstance | undefined> {
  const found = await ctx.store.findInstance(instanceId);
  return found === undefined ? undefined : refreshInstance(ctx, found);
}
