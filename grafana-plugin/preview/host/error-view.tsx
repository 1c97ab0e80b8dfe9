import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PanelDataErrorViewProps } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

/**
 * Stand-in for the PanelDataErrorView Grafana registers at start-up (the runtime package only holds
 * a placeholder): centred message in the panel, the way Grafana shows "No data".
 */
export function PreviewPanelDataErrorView({ message }: PanelDataErrorViewProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.wrapper} data-testid="data-testid Panel data error message">
      {message ?? 'No data'}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    width: '100%',
    textAlign: 'center',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.h5.fontSize,
    padding: theme.spacing(2),
  }),
});
