import type { ExtraCheck } from '../catalog';
import { toServiceSpec } from '../containers';
import { applyParameters, mergeTemplates, readContainerTemplate } from './container-template';

/**
 * Validates a catalog entry's container template with the provisioner's own schema, so a bad
 * template is refused when the operator writes it (400 naming the field), not at provision time.
 * Required fields may come from the service or the plan, so they are filled in for the check.
 */
export function containerExtraCheck(maxReplicas: number): ExtraCheck {
  return (extra, serviceExtra) => {
    const own = readContainerTemplate(extra);
    if (!own.ok) return own.message;
    if (own.template === undefined) return undefined;
    const inherited = serviceExtra === undefined ? undefined : readContainerTemplate(serviceExtra);
    const merged = mergeTemplates(inherited?.ok ? inherited.template : undefined, own.template);
    if (merged === undefined) return undefined;
    const applied = applyParameters(merged, undefined);
    if (!applied.ok) return applied.message;
    const checked = toServiceSpec(
      { Image: 'template', ServicePort: 1, ...applied.body, Name: 'template-check' },
      { maxReplicas },
    );
    return checked.ok ? undefined : `container: ${checked.message}`;
  };
}
