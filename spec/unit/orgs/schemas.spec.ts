import {
  createOrganizationBody,
  createSpaceBody,
  updateOrganizationBody,
  updateSpaceBody,
} from '../../../src/orgs/schemas';

describe('v2 bodies become camelCase commands', () => {
  it.each<
    [string, { safeParse(v: unknown): { success: boolean; data?: unknown } }, unknown, unknown]
  >([
    [
      'a full organization create',
      createOrganizationBody,
      { name: ' acme ', status: 'suspended', billing_enabled: true },
      { name: 'acme', status: 'suspended', billingEnabled: true },
    ],
    [
      'a bare organization create',
      createOrganizationBody,
      { name: 'acme' },
      { name: 'acme', status: undefined, billingEnabled: undefined },
    ],
    [
      'an organization update of billing only',
      updateOrganizationBody,
      { billing_enabled: false },
      { name: undefined, status: undefined, billingEnabled: false },
    ],
    [
      'a space create',
      createSpaceBody,
      { name: 'dev', organization_guid: 'o-1', allow_ssh: false },
      { name: 'dev', organizationGuid: 'o-1', allowSsh: false },
    ],
    ['a space update', updateSpaceBody, { allow_ssh: true }, { name: undefined, allowSsh: true }],
  ])('%s', (_name, schema, body, command) => {
    const result = schema.safeParse(body);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(command);
  });

  it.each<[string, { safeParse(v: unknown): { success: boolean } }, unknown]>([
    ['a blank organization name', createOrganizationBody, { name: '  ' }],
    ['an unknown status', updateOrganizationBody, { status: 'frozen' }],
    ['a space without its organization', createSpaceBody, { name: 'dev' }],
    ['a non-boolean allow_ssh', updateSpaceBody, { allow_ssh: 'yes' }],
  ])('refuses %s', (_name, schema, body) => {
    expect(schema.safeParse(body).success).toBe(false);
  });
});
