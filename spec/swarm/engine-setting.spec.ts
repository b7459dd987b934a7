import { loadConfig } from '../../src/config';
import { testEngines } from '../docker/support/engines';

describe('WHARF_CONTAINER_ENGINE', () => {
  it.each([
    [undefined, 'docker'],
    ['docker', 'docker'],
    ['swarm', 'swarm'],
  ])('when set to %s, then container services run on %s', (value, engine) => {
    const env = value === undefined ? {} : { WHARF_CONTAINER_ENGINE: value };
    expect(loadConfig(env).containers.engine).toBe(engine);
  });

  it.each(['kubernetes', 'Swarm', ''])(
    'when set to %j, then start is refused and says why',
    (v) => {
      expect(() => loadConfig({ WHARF_CONTAINER_ENGINE: v })).toThrow(
        'Invalid configuration: WHARF_CONTAINER_ENGINE: expected docker or swarm',
      );
    },
  );
});

describe('WHARF_TEST_ENGINES (the real-engine specs)', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['docker']],
    ['docker,swarm', ['docker', 'swarm']],
    [' swarm , swarm ', ['swarm']],
  ])('when %j, then the specs run on %j', (value, engines) => {
    expect(testEngines(value === undefined ? {} : { WHARF_TEST_ENGINES: value })).toEqual(engines);
  });

  it('when an engine is unknown, then the run stops with its name', () => {
    expect(() => testEngines({ WHARF_TEST_ENGINES: 'docker,k8s' })).toThrow('unknown engine k8s');
  });
});
