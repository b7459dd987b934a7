import { z } from 'zod';
import { ContainerServiceError } from './errors';
import type { ServiceFilter } from './store';

// Docker's filter map: {"name": ["a"], "label": ["k=v", "k"]}; the legacy {"name": {"a": true}} too.
const filterValues = z.union([
  z.array(z.string()),
  z.record(z.boolean()).transform((o) => Object.keys(o)),
]);
const filtersSchema = z
  .object({ name: filterValues.optional(), label: filterValues.optional() })
  .strict();

/** Parses `?filters=` of `GET /services`; only `name` and `label` are honoured (reference §3.2). */
export function parseListFilters(raw: unknown): Omit<ServiceFilter, 'tenant'> {
  if (raw === undefined || raw === '') return { names: [], labels: [] };
  if (typeof raw !== 'string')
    throw new ContainerServiceError(400, 'filters must be one JSON object');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ContainerServiceError(400, 'filters is not valid JSON');
  }
  const parsed = filtersSchema.safeParse(json);
  if (!parsed.success)
    throw new ContainerServiceError(
      400,
      'filters: only name and label are supported, as lists of strings',
    );
  return {
    names: parsed.data.name ?? [],
    labels: (parsed.data.label ?? []).map((l) => {
      const eq = l.indexOf('=');
      return eq < 0
        ? { key: l, value: undefined }
        : { key: l.slice(0, eq), value: l.slice(eq + 1) };
    }),
  };
}
