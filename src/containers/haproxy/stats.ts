import net from 'node:net';
import type { BackendHealth } from '../types';
import { BACKEND_NAME } from './render-config';

export interface ServerStat {
  server: string;
  /** Replica address the slot currently points at (from DNS), without the port. */
  address: string;
  health: BackendHealth;
  /** Sessions in flight on the slot right now. */
  sessions: number;
}

/** Parses `show stat` CSV into the replica slots of our backend that have an address. */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string): number => header.indexOf(name);
  const [px, sv, status, addr] = [col('pxname'), col('svname'), col('status'), col('addr')];
  const scur = col('scur');
  if (px < 0 || sv < 0 || status < 0 || addr < 0) return [];
  const stats: ServerStat[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const name = f[sv] ?? '';
    if (f[px] !== BACKEND_NAME || name === 'BACKEND') continue;
    const address = (f[addr] ?? '').replace(/:\d+$/, '');
    if (address === '' || address === '0.0.0.0') continue;
    const sessions = Number(f[scur] ?? '0') || 0;
    stats.push({ server: name, address, health: toHealth(f[status] ?? ''), sessions });
  }
  return stats;
}

function toHealth(status: string): BackendHealth {
  // "UP 1/2" and "DOWN 1/3" are transitions: HAProxy still routes by the left-hand word.
  if (status.startsWith('UP')) return 'UP';
  if (status.startsWith('DOWN') || status === 'NOLB') return 'DOWN';
  if (status.includes('MAINT')) return 'MAINT';
  return 'UNKNOWN';
}

/** Sends one command to HAProxy's admin socket (TCP, published on 127.0.0.1) and reads the answer. */
export function adminCommand(
  host: string,
  port: number,
  command: string,
  timeoutMs = 2000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`HAProxy admin socket timed out (${command})`)),
    );
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export async function readServerStats(host: string, port: number): Promise<ServerStat[]> {
  return parseShowStat(await adminCommand(host, port, 'show stat'));
}
