import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/**
 * Runs one HAProxy runtime API command inside an LB of the test image (busybox nc on the LB's own
 * loopback), the way an operator with `docker exec` could: the spec's hand on the LB.
 */
export async function lbCommand(docker: Docker, lbId: string, command: string): Promise<string> {
  const exec = await docker.getContainer(lbId).exec({
    Cmd: ['sh', '-c', 'printf "%s\\n" "$1" | nc 127.0.0.1 9999', 'spec', command],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  docker.modem.demuxStream(stream, stdout, new PassThrough());
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return Buffer.concat(chunks).toString('utf8');
}

export interface SlotStatus {
  server: string;
  address: string;
  status: string;
}

/** The replica slots of backend `replicas` that have an address, with HAProxy's raw status. */
export async function slots(docker: Docker, lbId: string): Promise<SlotStatus[]> {
  const csv = await lbCommand(docker, lbId, 'show stat');
  const lines = csv.split('\n').filter((l) => l.includes(','));
  const header = (lines.find((l) => l.includes('pxname')) ?? '').replace(/^# /, '').split(',');
  const col = (name: string): number => header.indexOf(name);
  return lines
    .map((l) => l.split(','))
    .filter((f) => f[col('pxname')] === 'replicas' && f[col('svname')] !== 'BACKEND')
    .map((f) => ({
      server: f[col('svname')] ?? '',
      address: (f[col('addr')] ?? '').replace(/:\d+$/, ''),
      status: f[col('status')] ?? '',
    }))
    .filter((s) => s.address !== '' && s.address !== '0.0.0.0');
}
