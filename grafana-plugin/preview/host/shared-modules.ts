// The packages Grafana shares with plugins at runtime. module.js declares them as AMD dependencies;
// the preview page hands it these, the same way Grafana's SystemJS loader does.
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaSchema from '@grafana/schema';
import * as grafanaUi from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';

export const SHARED_MODULES: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/schema': grafanaSchema,
};

/** Load the built module.js (AMD) with the shared modules as its dependencies. */
export function loadPluginModule(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = window as unknown as { define?: unknown };
    // AMD's `module` dependency: the module's own URL, from which create-plugin's public path
    // (the folder module.js was served from) is taken, as Grafana's loader hands it.
    const self = { id: url, uri: new URL(url, document.baseURI).href };
    w.define = (deps: string[], factory: (...mods: unknown[]) => Record<string, unknown>) => {
      const missing = deps.filter((d) => d !== 'module' && !(d in SHARED_MODULES));
      if (missing.length) {
        reject(new Error(`module.js needs modules Grafana would not share here: ${missing.join(', ')}`));
        return;
      }
      resolve(factory(...deps.map((d) => (d === 'module' ? self : SHARED_MODULES[d]))));
    };
    (w.define as { amd?: object }).amd = {};
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`could not load ${url}: run npm run build -w rebound-recovery-panel`));
    document.head.appendChild(script);
  });
}
