import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as table from '@grafana/grafana-foundation-sdk/table';

/** Tables show labels and the value, not Prometheus' evaluation timestamp. */
export function hideTime(builder: table.PanelBuilder, rename: Record<string, string> = {}): void {
  builder.withTransformation({
    id: 'organize',
    options: { excludeByName: { Time: true }, renameByName: rename },
  });
}

/** Worst first: sort a table by one column, descending. */
export function sortDescending(builder: table.PanelBuilder, column: string): void {
  builder.sortBy([new common.TableSortByFieldStateBuilder().displayName(column).desc(true)]);
}

/** Colour a 0/1 hazard column and say it in words. */
export function hazardMappings(ok: string, hazard: string): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: {
        '0': { text: ok, color: 'green', index: 0 },
        '1': { text: hazard, color: 'red', index: 1 },
      },
    },
  ];
}

export function colourBackground(builder: table.PanelBuilder): void {
  builder.cellOptions({ type: common.TableCellDisplayMode.ColorBackground });
}
