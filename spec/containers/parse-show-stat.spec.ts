import { BACKEND_NAME } from '../../src/containers/haproxy/render-config';
import { parseShowStat } from '../../src/containers/haproxy/stats';

const HEADER = '# pxname,svname,scur,status,addr';
const csv = (...rows: string[]): string => [HEADER, ...rows, ''].join('\n');
const row = (server: string, status: string, addr: string, scur = '0'): string =>
  `${BACKEND_NAME},${server},${scur},${status},${addr}`;

describe('parseShowStat', () => {
  it.each([
    ['an UP server', [row('r1', 'UP', '10.0.0.2:80')], [['r1', '10.0.0.2', 'UP', 0]]],
    [
      'a server going down still routes: UP 1/2',
      [row('r1', 'UP 1/2', '10.0.0.2:80')],
      [['r1', '10.0.0.2', 'UP', 0]],
    ],
    ['a DOWN server', [row('r1', 'DOWN', '10.0.0.2:80')], [['r1', '10.0.0.2', 'DOWN', 0]]],
    [
      'a server coming up is DOWN until it rose: DOWN 1/3',
      [row('r1', 'DOWN 1/3', '10.0.0.2:80')],
      [['r1', '10.0.0.2', 'DOWN', 0]],
    ],
    [
      'NOLB (draining by weight) counts as DOWN',
      [row('r1', 'NOLB', '10.0.0.2:80')],
      [['r1', '10.0.0.2', 'DOWN', 0]],
    ],
    ['MAINT', [row('r1', 'MAINT', '10.0.0.2:80')], [['r1', '10.0.0.2', 'MAINT', 0]]],
    [
      'MAINT (resolution) of a slot DNS pointed elsewhere',
      [row('r1', 'MAINT (resolution)', '10.0.0.2:80')],
      [['r1', '10.0.0.2', 'MAINT', 0]],
    ],
    [
      'an unknown status word',
      [row('r1', 'no check', '10.0.0.2:80')],
      [['r1', '10.0.0.2', 'UNKNOWN', 0]],
    ],
    ['sessions in flight', [row('r1', 'UP', '10.0.0.2:80', '3')], [['r1', '10.0.0.2', 'UP', 3]]],
    ['an empty slot (no address) is left out', [row('r1', 'MAINT', '')], []],
    ['a slot at 0.0.0.0 is left out', [row('r1', 'MAINT', '0.0.0.0:80')], []],
    ['the BACKEND summary line is left out', [row('BACKEND', 'UP', '')], []],
    ['another proxy is left out', ['stats,FRONTEND,0,OPEN,', 'other,r1,0,UP,10.0.0.9:80'], []],
  ])('%s', (_name, rows, expected) => {
    expect(
      parseShowStat(csv(...rows)).map((s) => [s.server, s.address, s.health, s.sessions]),
    ).toEqual(expected);
  });

  it.each([
    ['empty output', ''],
    ['an error message instead of CSV', 'Unknown command.\n'],
    ['a header without the addr column', '# pxname,svname,status\nreplicas,r1,UP\n'],
  ])('answers nothing for %s', (_name, text) => {
    expect(parseShowStat(text)).toEqual([]);
  });

  it.each([
    ['MAINT', 'MAINT'],
    ['DRAIN', 'DRAIN'],
    ['DRAIN (agent)', 'DRAIN'],
    ['MAINT (resolution)', undefined],
    ['MAINT (via replicas/r2)', undefined],
    ['UP', undefined],
    ['DOWN', undefined],
  ])('a server in %s was set by the runtime API: %s', (status, adminState) => {
    expect(parseShowStat(csv(row('r1', status, '10.0.0.2:80')))[0]?.adminState).toBe(adminState);
  });

  it('reads columns by header name, whatever their order', () => {
    const text = `# addr,status,svname,pxname,scur\n10.0.0.5:80,UP,r2,${BACKEND_NAME},1\n`;
    expect(parseShowStat(text)).toEqual([
      {
        server: 'r2',
        address: '10.0.0.5',
        health: 'UP',
        sessions: 1,
        adminState: undefined,
        lastChangeSeconds: 0,
        checkStatus: '',
        checkCode: '',
      },
    ]);
  });

  it.each([
    ['a check in progress is marked "* "', '12', '* L7OK', '200', [12, 'L7OK', '200']],
    ['a failed check', '3', 'L4CON', '', [3, 'L4CON', '']],
    ['before any check', '0', 'INI', '', [0, 'INI', '']],
  ])('reads the check columns: %s', (_name, lastchg, checkStatus, checkCode, expected) => {
    const text =
      '# pxname,svname,status,addr,lastchg,check_status,check_code\n' +
      `${BACKEND_NAME},r1,UP,10.0.0.5:80,${lastchg},${checkStatus},${checkCode}\n`;
    const [s] = parseShowStat(text);
    expect([s?.lastChangeSeconds, s?.checkStatus, s?.checkCode]).toEqual(expected);
  });
});
