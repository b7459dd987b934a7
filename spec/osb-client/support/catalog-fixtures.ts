import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { validateCatalog } from '../../../src/osb-catalog';
import type { OsbCatalog } from '../../../src/osb-catalog';

/**
 * Broker catalogs in `fixtures/catalogs/`. Valid ones are loaded through the production
 * validation (rules and schema), so a fixture cannot drift from the contract unnoticed.
 */
export const CATALOG_FIXTURES_DIR = path.join(__dirname, '../../../fixtures/catalogs');

export function catalogFixtureNames(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(CATALOG_FIXTURES_DIR)
    .filter((file) => file.startsWith(`${kind}-`) && file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** The fixture as the broker would send it, unvalidated (`invalid-*` ones included). */
export function readCatalogFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(CATALOG_FIXTURES_DIR, `${name}.json`), 'utf8'));
}

/** A `valid-*` fixture as the typed catalog; throws with CC's problem text if it is not valid. */
export function loadValidCatalogFixture(name: string): OsbCatalog {
  const result = validateCatalog(readCatalogFixture(name));
  if (!result.ok) throw new Error(`fixture ${name} is not a valid catalog:${result.problems}`);
  return result.catalog;
}
