/** An expected failure of the container-service API; routes render it as `{"message": ...}`. */
export class ContainerServiceError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerServiceError';
  }
}

export const notFound = (name: string): ContainerServiceError =>
  new ContainerServiceError(404, `No such service: ${name}`);

/** Reference §3.1: "name conflicts with an existing object". */
export const nameTaken = (name: string): ContainerServiceError =>
  new ContainerServiceError(
    409,
    `Conflict, service name ${name} conflicts with an existing object.`,
  );

/** Hyper's documented text (reference §3.4), verbatim. */
export const fipAlreadyAttached = (name: string, ip: string): ContainerServiceError =>
  new ContainerServiceError(
    409,
    `Conflict, service(${name}) has attached with another floating IP(${ip}).`,
  );

export const fipTaken = (ip: string): ContainerServiceError =>
  new ContainerServiceError(
    409,
    `Conflict, floating IP(${ip}) has been attached to another service.`,
  );
