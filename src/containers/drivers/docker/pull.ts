import type Docker from 'dockerode';
import { isNotFound, toDriverError, toPullError } from './errors';

/**
 * Makes `image` present on the engine `docker` talks to: a local lookup first (locally built
 * images never touch a registry), else a pull whose failure names the image. Shared by both
 * engines: on a swarm only the manager needs it, the other nodes pull their own.
 */
export async function ensureImagePresent(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (err) {
    if (!isNotFound(err)) throw toDriverError(err, `inspecting image ${image}`);
  }
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    });
  } catch (err) {
    throw toPullError(err, image);
  }
}
