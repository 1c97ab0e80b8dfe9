import { standardEditorsRegistry } from '@grafana/data';

/**
 * Grafana core fills the options-editor registry at start-up; outside Grafana (jest, the preview
 * page) it is empty and `plugin.defaults` cannot be computed. The editors are never drawn here, so
 * registering the ids the options builder uses, with empty editors, is enough to read the defaults.
 */
export function registerOptionEditorsOutsideGrafana() {
  const ids = ['text', 'number', 'radio', 'select', 'boolean'];
  for (const id of ids) {
    if (!standardEditorsRegistry.getIfExists(id)) {
      standardEditorsRegistry.register({ id, name: id, editor: () => null });
    }
  }
}
