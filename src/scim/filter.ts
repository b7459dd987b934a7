/** The SCIM attributes Wharf's UAA filters on. */
export type ScimAttribute = 'id' | 'userName' | 'origin';

export interface ScimComparison {
  attribute: ScimAttribute;
  value: string;
}

export class ScimFilterError extends Error {}

const ATTRIBUTES: Readonly<Record<string, ScimAttribute>> = {
  id: 'id',
  username: 'userName',
  origin: 'origin',
};

// One comparison: attribute, `eq` (any case), a double-quoted value with \" escapes.
const COMPARISON = /^\s*([A-Za-z]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/i;
const AND = /^and\s+/i;

/**
 * Parses the filters the cf CLI sends (`userName Eq "alice"`, cf-cli-v6-requests.md §2.11) and
 * conjunctions of them. Anything else is refused rather than guessed at.
 */
export function parseScimFilter(text: string): ScimComparison[] {
  const comparisons: ScimComparison[] = [];
  let rest = text;
  for (;;) {
    const match = COMPARISON.exec(rest);
    const attribute = match?.[1] === undefined ? undefined : ATTRIBUTES[match[1].toLowerCase()];
    if (match === null || attribute === undefined || match[2] === undefined)
      throw new ScimFilterError(`Invalid filter expression: [${text}]`);
    comparisons.push({ attribute, value: match[2].replace(/\\(.)/g, '$1') });
    rest = rest.slice(match[0].length);
    if (rest.trim() === '') return comparisons;
    const and = AND.exec(rest);
    if (and === null) throw new ScimFilterError(`Invalid filter expression: [${text}]`);
    rest = rest.slice(and[0].length);
  }
}

export interface ScimMatchable {
  id: string;
  userName: string;
  origin: string;
}

/** UAA compares user names case-insensitively; ids and origins exactly. */
export function matchesScimFilter(user: ScimMatchable, filter: readonly ScimComparison[]): boolean {
  return filter.every((c) =>
    c.attribute === 'userName'
      ? user.userName.toLowerCase() === c.value.toLowerCase()
      : user[c.attribute] === c.value,
  );
}
