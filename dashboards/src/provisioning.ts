import { grafana } from './config';

/** Grafana data-source provisioning: the Prometheus that holds the Rebound series and rules. */
export function datasourceProvisioning(): unknown {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: grafana.datasourceUid,
        type: 'prometheus',
        access: 'proxy',
        url: grafana.prometheusUrl,
        isDefault: true,
        editable: false,
        // The compose Prometheus scrapes the collector every 5 s (deploy/prometheus/prometheus.yml).
        jsonData: { httpMethod: 'POST', timeInterval: '5s' },
      },
    ],
  };
}

/** Grafana dashboard provisioning: every JSON file under grafana/dashboards, into the Rebound folder. */
export function dashboardProvisioning(): unknown {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'rebound',
        orgId: 1,
        folder: grafana.folder,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: grafana.dashboardsPathInContainer, foldersFromFilesStructure: false },
      },
    ],
  };
}
