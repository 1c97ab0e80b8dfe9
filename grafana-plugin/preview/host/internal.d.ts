declare module 'grafana-runtime-internal-error-view' {
  import { PanelDataErrorViewProps } from '@grafana/runtime';
  import { ComponentType } from 'react';
  export function setPanelDataErrorView(renderer: ComponentType<PanelDataErrorViewProps>): void;
}
