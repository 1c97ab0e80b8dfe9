import { PanelPlugin } from '@grafana/data';

import { RecoveryPanel } from './components/RecoveryPanel';
import { buildOptions } from './options';
import { RecoveryPanelOptions } from './types';

export const plugin = new PanelPlugin<RecoveryPanelOptions>(RecoveryPanel).setPanelOptions(buildOptions);
