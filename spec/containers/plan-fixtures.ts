import fs from 'node:fs';
import path from 'node:path';
import type { PlanContext } from '../../src/containers/deployment-plan';
import { toServiceSpec } from '../../src/containers/spec/to-service-spec';
import type { ServiceSpec } from '../../src/containers/types';

export const fixturePath = (...parts: string[]): string =>
  path.join(__dirname, '../../fixtures', ...parts);
export const readFixture = (...parts: string[]): string =>
  fs.readFileSync(fixturePath(...parts), 'utf8');

export const planContext: PlanContext = {
  serviceId: '0b7c1e2a-5d4f-4c1e-9a7b-3f2e1d0c9b8a',
  tenant: 'b8dc36865f4b480683dabb25598d61c4',
  owner: 'test-owner',
  fip: '',
  hostCpus: 2,
  maxReplicas: 4,
  lbImage: 'wharf-test/haproxy:latest',
  publishHost: '127.0.0.1',
  publishPort: 30080,
};

/** The seed example with a patch, parsed by the production parser so it cannot drift. */
export function specFrom(patch: Record<string, unknown>): ServiceSpec {
  const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
  const result = toServiceSpec({ ...seed, ...patch }, { maxReplicas: 10 });
  if (!result.ok) throw new Error(result.message);
  return result.spec;
}
