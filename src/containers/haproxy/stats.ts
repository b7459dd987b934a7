import type { BackendHealth } from '../types';
import { BACKEND_NAME } from './render-config';

export interface ServerStat {
  server: string;
  /** Replica address the slot currently points at (from DNS), without the port. */
  address: string;
  health: BackendHealth;
  /** Sessions in flight on the slot right now. */
  sessions: number;
  /**
   * A state someone set through the runtime API (`set server … state maint|drain`), as opposed
   * to one HAProxy reached by itself (DOWN after checks, MAINT while DNS has no address).
   */
  adminState: 'MAINT' | 'DRAIN' | undefined;
  /** Seconds since the slot last changed state (UP/DOWN/MAINT); 0 when HAProxy did not say. */
  lastChangeSeconds: number;
  /** The last health check's result (`L4CON`, `L7OK`, `INI`…); "" before any. */
  checkStatus: string;
  /** HTTP status the last layer-7 check got, "" otherwise. */
  checkCode: string;
}

/** Parses `show stat` CSV into the replica slots of our backend that have an address. */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string): number => header.indexOf(name);
  const [px, sv, status, addr] = [col('pxname'), col('svname'), col('status'), col('addr')];
  const [scur, lastchg, checkStatus, checkCode] = [
    col('scur'),
    col('lastchg'),
    col('check_status'),
    col('check_code'),
  ];
  const field = (f: string[], index: number): string => (index < 0 ? '' : (f[index] ?? ''));
  if (px < 0 || sv < 0 || status < 0 || addr < 0) return [];
  const stats: ServerStat[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const name = f[sv] ?? '';
    if (f[px] !== BACKEND_NAME || name === 'BACKEND') continue;
    const address = (f[addr] ?? '').replace(/:\d+$/, '');
    if (address === '' || address === '0.0.0.0') continue;
    const sessions = Number(f[scur] ?? '0') || 0;
    const word = f[status] ?? '';
    stats.push({
      server: name,
      address,
      health: toHealth(word),
      sessions,
      adminState: toAdminState(word),
      lastChangeSeconds: Number(field(f, lastchg)) || 0,
      checkStatus: field(f, checkStatus).replace(/^\* /, ''),
      checkCode: field(f, checkCode),
    });
  }
  return stats;
}

function toHealth(status: string): BackendHealth {
  // "UP 1/2" and "DOWN 1/3" are transitions: HAProxy still routes by the left-hand word.
  if (status.startsWith('UP')) return 'UP';
  if (status.startsWith('DOWN') || status === 'NOLB') return 'DOWN';
  // A draining server takes no new sessions: out of rotation like one in maintenance.
  if (status.includes('MAINT') || status.startsWith('DRAIN')) return 'MAINT';
  return 'UNKNOWN';
}

function toAdminState(status: string): ServerStat['adminState'] {
  // Plain "MAINT" is the admin flag; "MAINT (resolution)" and "MAINT (via …)" are HAProxy's own.
  if (status === 'MAINT') return 'MAINT';
  if (status.startsWith('DRAIN')) return 'DRAIN';
  return undefined;
}
