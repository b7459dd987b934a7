import { isRegistryAllowed, parseImageReference } from './image-reference';

export interface ImagePolicy {
  /** `WHARF_ALLOWED_REGISTRIES`. */
  allowedRegistries: readonly string[];
  /** Whether the engine holds the image already (so nothing would be pulled). */
  isPresent(image: string): Promise<boolean>;
}

/**
 * Why `Image` may not be used, or undefined when it may: a valid reference whose registry is
 * allowed, or any valid reference the engine already holds (e.g. an image built locally).
 */
export async function imageProblem(
  image: string,
  policy: ImagePolicy,
): Promise<string | undefined> {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return parsed.message;
  const { registry } = parsed.reference;
  if (isRegistryAllowed(registry, policy.allowedRegistries)) return undefined;
  if (await policy.isPresent(image)) return undefined;
  return (
    `Image ${image}: registry ${registry} is not allowed ` +
    `(allowed: ${policy.allowedRegistries.join(', ') || 'none'}, or an image the engine already has)`
  );
}
