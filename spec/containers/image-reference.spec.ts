import { isRegistryAllowed, parseImageReference } from '../../src/containers/spec/image-reference';

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'docker.io', 'nginx', undefined],
    ['nginx:1.25', 'docker.io', 'nginx', '1.25'],
    ['wharf-test/httpd:latest', 'docker.io', 'wharf-test/httpd', 'latest'],
    ['docker.io/library/nginx', 'docker.io', 'library/nginx', undefined],
    ['index.docker.io/team/app:v2', 'docker.io', 'team/app', 'v2'],
    ['ghcr.io/org/app:1.0', 'ghcr.io', 'org/app', '1.0'],
    ['Registry.Example.com:5000/a/b', 'registry.example.com:5000', 'a/b', undefined],
    ['localhost/x', 'localhost', 'x', undefined],
    ['127.0.0.1:4199/probe:1', '127.0.0.1:4199', 'probe', '1'],
    ['[::1]:5000/x', '[::1]:5000', 'x', undefined],
    ['a__b/c-d.e_f', 'docker.io', 'a__b/c-d.e_f', undefined],
  ])('when given %s, then registry %s, repository %s, tag %s', (ref, registry, repo, tag) => {
    const parsed = parseImageReference(ref);
    expect(parsed).toEqual({
      ok: true,
      reference: expect.objectContaining({ registry, repository: repo, tag }),
    });
  });

  it('when given a digest, then it is kept', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`nginx@${digest}`)).toMatchObject({
      ok: true,
      reference: { digest, repository: 'nginx' },
    });
  });

  it.each([
    ['empty', ''],
    ['upper-case repository', 'Nginx'],
    ['a space', 'ng inx'],
    ['an empty tag', 'nginx:'],
    ['a bad tag', 'nginx:-x'],
    ['a bad digest', 'nginx@sha256:xyz'],
    ['a scheme', 'http://evil/x'],
    ['a port out of range', '127.0.0.1:99999/x'],
    ['an empty path component', 'a//b'],
    ['a leading separator', '-x'],
    ['a trailing slash', 'nginx/'],
    ['a newline', 'nginx\n'],
    ['a lone surrogate', 'nginx\ud800'],
    ['an image id', 'a'.repeat(64)],
    ['a long name', `x${'/x'.repeat(200)}`],
    ['a query', 'registry.io/x?y=1'],
  ])('when given %s, then refused with a message naming Image', (_name, ref) => {
    const parsed = parseImageReference(ref);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/^Image ".*" is not a valid image reference/);
  });
});

describe('isRegistryAllowed', () => {
  it.each([
    ['docker.io', ['docker.io'], true],
    ['docker.io', ['index.docker.io'], true],
    ['docker.io', [' Docker.IO '], true],
    ['ghcr.io', ['docker.io'], false],
    ['127.0.0.1:4199', ['127.0.0.1'], false],
    ['127.0.0.1:4199', ['127.0.0.1:4199'], true],
    ['docker.io', [], false],
  ])('when %s is checked against %j, then %s', (registry, allowed, expected) => {
    expect(isRegistryAllowed(registry, allowed)).toBe(expected);
  });
});
