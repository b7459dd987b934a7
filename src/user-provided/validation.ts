import { CfError } from '../http/cf-errors';

const MAX_NAME = 255;
const MAX_TAGS_LENGTH = 2048;

/** CC's instance name rules, in CC's order around the taken check (empty first, length after). */
export function checkNameNotEmpty(name: string): void {
  if (name.trim() === '') throw new CfError('ServiceInstanceNameEmpty');
}

export function checkNameLength(name: string): void {
  if (name.length > MAX_NAME) throw new CfError('ServiceInstanceNameTooLong');
}

export function checkTags(tags: readonly string[] | undefined, name: string): void {
  if (tags !== undefined && tags.join('').length > MAX_TAGS_LENGTH)
    throw new CfError('ServiceInstanceTagsTooLong', name);
}

/** A route service receives app traffic, so CC accepts only https URLs (60019); "" clears it. */
export function checkRouteServiceUrl(url: string | undefined): void {
  if (url === undefined || url === '') return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CfError('ServiceInstanceRouteServiceURLInvalid', 'The URL is not valid');
  }
  if (parsed.protocol !== 'https:')
    throw new CfError('ServiceInstanceRouteServiceURLInvalid', 'Scheme must be https');
}
