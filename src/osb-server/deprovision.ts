import type { BrokerContext } from './broker-context';
import { inBrokerTransaction } from './broker-context';
import type { Result } from './failures';
import { concurrencyError, fail, gone, ok } from './failures';
import { currentInstance } from './instance-progress';
import { OsbStore } from './store';
import type { DeprovisionDetails, DeprovisionResult, OsbInstance } from './types';

/** Removes the container service, then the instance and its bindings; keeps the operation record. */
async function removeInstance(
  ctx: BrokerContext,
  instance: OsbInstance,
  operationGuid: string,
): Promise<void> {
  try {
    await ctx.engine.remove(instance.container);
  } catch (err) {
    // The instance stays as it was (with its own operation, if one was running).
    await ctx.store.release(instance.instanceId, operationGuid, {
      state: instance.state,
      restoreOperation: instance.operationGuid,
    });
    await ctx.store.updateOperation(
      operationGuid,
      'failed',
      'The container service could not be removed.',
    );
    throw err;
  }
  await inBrokerTransaction(ctx, async (store) => {
    if (instance.state === 'provisioning' && instance.operationGuid !== null) {
      await store.updateOperation(
        instance.operationGuid,
        'failed',
        'Deprovisioned before provisioning finished.',
      );
    }
    await store.deleteBindingsOf(instance.instanceId);
    await store.deleteInstance(instance.instanceId);
    await store.updateOperation(operationGuid, 'succeeded', 'Deprovisioned');
  });
}

/**
 * `DELETE /v2/service_instances/:instance_id` (osb-api.md §7.4). Removing a container service is
 * quick (the reconciler sweeps what is left), so the work is done before answering either way and
 * the answer is 200; with `accepts_incomplete=true` the operation also polls as `succeeded`, as
 * both osb-checkers expect. Deleting while provisioning halts it; during an update: ConcurrencyError.
 */
export async function deprovisionInstance(
  ctx: BrokerContext,
  d: DeprovisionDetails,
): Promise<Result<DeprovisionResult>> {
  const instance = await currentInstance(ctx, d.instanceId);
  if (instance === undefined) return fail(gone);
  switch (instance.state) {
    case 'updating':
      return fail(concurrencyError());
    case 'deprovisioning':
      if (d.acceptsIncomplete && instance.operationGuid !== null)
        return ok({ kind: 'accepted', operation: instance.operationGuid });
      return fail(concurrencyError(`Service instance ${d.instanceId} is being deprovisioned.`));
    case 'provisioning':
    case 'ready':
    case 'failed':
      break;
  }
  const operation = OsbStore.newOperation(
    d.instanceId,
    null,
    'deprovision',
    'in progress',
    'Deprovisioning',
  );
  const claimed = await inBrokerTransaction(ctx, async (store) => {
    if (!(await store.claim(d.instanceId, [instance.state], 'deprovisioning', operation.guid)))
      return false;
    await store.insertOperation(operation);
    return true;
  });
  if (!claimed) return fail(concurrencyError());
  await removeInstance(ctx, instance, operation.guid);
  // A synchronous delete during provisioning leaves the provision reported `failed` (§7.4).
  if (!d.acceptsIncomplete && instance.state === 'provisioning')
    await ctx.store.deleteOperation(operation.guid);
  await ctx.store.pruneOperations(
    new Date(ctx.clock.now().getTime() - ctx.settings.operationRetentionMs),
  );
  // Finished within the request: 200 even with accepts_incomplete, since 202 means "still in
  // progress" (§7.4). The operation record stays for Platforms (the osb-checkers) that poll anyway.
  return ok({ kind: 'done' });
}
