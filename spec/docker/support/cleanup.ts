import type Docker from 'dockerode';

/** Removes every container, network and volume carrying `key=value`; returns how many of each. */
export async function removeLabelled(
  docker: Docker,
  key: string,
  value: string,
): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = JSON.stringify({ label: [`${key}=${value}`] });
  const containers = await docker.listContainers({ all: true, filters });
  for (const c of containers)
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone);
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(ignoreGone);
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  for (const v of volumes ?? []) await docker.getVolume(v.Name).remove().catch(ignoreGone);
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: (volumes ?? []).length,
  };
}

/** Counts what still carries the label: the "leaves nothing behind" assertions use it. */
export async function countLabelled(
  docker: Docker,
  key: string,
  value: string,
): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = JSON.stringify({ label: [`${key}=${value}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: (volumes ?? []).length,
  };
}

function ignoreGone(err: unknown): void {
  const status =
    typeof err === 'object' && err !== null && 'statusCode' in err ? err.statusCode : 0;
  if (status !== 404 && status !== 409) throw err;
}
