import type { ContainerService, ServiceView } from '../containers';
import { ContainerServiceError, ROLLED_BACK } from '../containers';
import type { ContainerEngine, EngineOutcome, EngineProgress, InPlaceSettings } from './engine';
import type { ContainerRef, Endpoint } from './types';

function scopeOf(ref: ContainerRef): { tenant: string; admin: boolean } {
  return { tenant: ref.tenant, admin: false };
}

function isNotFound(err: unknown): boolean {
  return err instanceof ContainerServiceError && err.status === 404;
}

/** Expected refusals of the engine (bad body, name taken) become outcomes; anything else throws. */
async function attempt(work: () => Promise<unknown>): Promise<EngineOutcome> {
  try {
    await work();
    return { ok: true };
  } catch (err) {
    if (err instanceof ContainerServiceError)
      return {
        ok: false,
        reason: err.status === 409 ? 'conflict' : 'invalid',
        message: err.message,
      };
    throw err;
  }
}

/** The ContainerEngine port over Wharf's own container-service provisioner (src/containers). */
export class ContainerServiceEngine implements ContainerEngine {
  constructor(private readonly containers: ContainerService) {}

  create(ref: ContainerRef, body: Record<string, unknown>): Promise<EngineOutcome> {
    return attempt(() => this.containers.create(scopeOf(ref), body));
  }

  update(ref: ContainerRef, change: Partial<InPlaceSettings>): Promise<EngineOutcome> {
    const body: Record<string, unknown> = {};
    if (change.replicas !== undefined) body.Replicas = change.replicas;
    if (change.image !== undefined) body.Image = change.image;
    return attempt(() => this.containers.update(scopeOf(ref), ref.name, body));
  }

  async remove(ref: ContainerRef): Promise<void> {
    try {
      await this.containers.remove(scopeOf(ref), ref.name, false);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async view(ref: ContainerRef): Promise<ServiceView | undefined> {
    try {
      return await this.containers.get(scopeOf(ref), ref.name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async progress(ref: ContainerRef): Promise<EngineProgress> {
    const view = await this.view(ref);
    if (view === undefined) return { state: 'gone' };
    const description = view.record.message;
    switch (view.record.status) {
      case 'active':
        // Active again on the old image: the update's replicas never became healthy (issue 9).
        if (description.startsWith(ROLLED_BACK)) return { state: 'failed', description };
        return { state: 'succeeded', description };
      case 'failed':
        return { state: 'failed', description };
      case 'created':
      case 'updating':
        return { state: 'in progress', description };
    }
  }

  async settings(ref: ContainerRef): Promise<InPlaceSettings | undefined> {
    const view = await this.view(ref);
    return view === undefined
      ? undefined
      : { replicas: view.record.spec.replicas, image: view.record.spec.image };
  }

  async endpoint(ref: ContainerRef): Promise<Endpoint | undefined> {
    const view = await this.view(ref);
    const match = view === undefined ? null : /^(.*):(\d+)$/.exec(view.observation.endpoint);
    if (match?.[1] === undefined || match[2] === undefined) return undefined;
    return { host: match[1], port: match[2] };
  }
}
