import { CfError } from '../http/cf-errors';

/**
 * `{"data":[{"guid":SPACE_GUID}, …]}`, the v3 to-many relationship body `cf share-service` sends.
 * A body of another shape is CC's 422 UnprocessableEntity (a v3 message validation failure).
 */
export function parseSharedSpacesBody(body: unknown): string[] {
  const data: unknown =
    typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body
      ? body.data
      : undefined;
  if (!Array.isArray(data)) throw new CfError('UnprocessableEntity', 'Data must be an array');
  if (data.length === 0)
    throw new CfError('UnprocessableEntity', 'Data must have at least one space');
  return data.map((item: unknown, index) => {
    const guid: unknown =
      typeof item === 'object' && item !== null && 'guid' in item ? item.guid : undefined;
    if (typeof guid !== 'string' || guid === '')
      throw new CfError(
        'UnprocessableEntity',
        `Invalid data type: Data[${String(index)}] guid should be a string.`,
      );
    return guid;
  });
}
