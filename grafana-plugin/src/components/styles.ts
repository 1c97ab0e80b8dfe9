import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';

import { PHASE_COLOURS, Phase } from '../model/contract';

/**
 * Phase colours: the contract's palette (the dashboards' state timelines use the same names) in
 * the theme's shade. Unknown is purple, never a health colour; no data stays grey.
 */
export function phaseColor(theme: GrafanaTheme2, phase: Phase | 'nodata'): string {
  return phase === 'nodata' ? theme.colors.text.disabled : theme.visualization.getColorByName(PHASE_COLOURS[phase]);
}

/**
 * Joins class names. Not emotion's `cx`: that re-serialises and hashes the merged styles on every
 * call, which with 2,000 cards is most of the render. Modifier classes nest their rules under `&&`
 * (doubled class selector), so they win over base classes whatever order emotion inserted them in.
 */
export function classes(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(' ');
}

const stripes = (theme: GrafanaTheme2) =>
  `repeating-linear-gradient(135deg, ${theme.colors.background.secondary} 0 4px, ${theme.colors.border.medium} 4px 8px)`;

export const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ height: '100%', overflow: 'auto', display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  hint: css({ color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize, padding: theme.spacing(0.5, 1) }),
  // Rows carry their own gap (padding): spacers above and below the rendered window stand for the rest.
  list: css({ display: 'block', flex: '0 0 auto' }),
  grid: css({ display: 'block', flex: '0 0 auto' }),
  listRow: css({ paddingBottom: theme.spacing(0.5) }),
  // Columns are set inline (windowing needs to know them to cut rows); every card is ≥ GRID_MIN_CARD_PX.
  gridRow: css({ display: 'grid', gap: theme.spacing(1), paddingBottom: theme.spacing(1) }),
  card: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.75),
    minWidth: 0,
  }),
  cardCompact: css({ '&&': { padding: theme.spacing(0.25, 1), gap: theme.spacing(0.25) } }),
  cardUnknown: css({ '&&': { borderStyle: 'dashed', borderColor: theme.colors.border.strong } }),
  row: css({ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: theme.spacing(1, 1.5), minWidth: 0 }),
  name: css({
    fontWeight: theme.typography.fontWeightMedium,
    fontSize: theme.typography.body.fontSize,
    color: theme.colors.text.primary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    minWidth: 80,
    maxWidth: 260,
    flex: '0 1 auto',
  }),
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  badge: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    borderRadius: theme.shape.radius.pill,
    padding: theme.spacing(0.25, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
    whiteSpace: 'nowrap',
    flex: '0 0 auto',
    minWidth: 104,
    justifyContent: 'center',
  }),
  badgeUnknown: css({
    '&&': {
      background: stripes(theme),
      color: theme.colors.text.primary,
      border: `1px dashed ${theme.colors.text.secondary}`,
    },
  }),
  elapsed: css({ fontVariantNumeric: 'tabular-nums', fontSize: theme.typography.bodySmall.fontSize, whiteSpace: 'nowrap', color: theme.colors.text.secondary }),
  elapsedWarning: css({ '&&': { color: theme.colors.warning.text, fontWeight: theme.typography.fontWeightMedium } }),
  elapsedCritical: css({ '&&': { color: theme.colors.error.text, fontWeight: theme.typography.fontWeightBold } }),
  progress: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flex: '3 1 260px', minWidth: 200 }),
  progressTrack: css({
    flex: 1,
    height: 8,
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  progressTrackStale: css({ '&&': { background: stripes(theme) } }),
  progressFill: css({ height: '100%', borderRadius: theme.shape.radius.pill }),
  progressText: css({
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    fontVariantNumeric: 'tabular-nums',
    color: theme.colors.text.secondary,
  }),
  percent: css({ '&&': { minWidth: 36, textAlign: 'right' } }),
  eta: css({ '&&': { minWidth: 136 } }),
  progressStalled: css({ '&&': { color: theme.colors.warning.text, fontWeight: theme.typography.fontWeightMedium } }),
  sparkline: css({ flex: '0 0 auto', color: theme.colors.text.secondary }),
  // The timeline with its axis and hover readout; the bar itself clips its segments.
  timelineBox: css({ position: 'relative', flex: '1 1 120px', minWidth: 80, maxWidth: 240, display: 'flex', flexDirection: 'column', gap: 1 }),
  timelineBoxWide: css({ '&&': { maxWidth: 'none', flex: '1 1 auto' } }),
  timeline: css({ position: 'relative', height: 6, borderRadius: 2, background: stripes(theme), overflow: 'hidden', cursor: 'crosshair' }),
  timelineSegment: css({ position: 'absolute', top: 0, bottom: 0 }),
  timelineAxis: css({
    position: 'relative',
    height: 11,
    fontSize: 9,
    lineHeight: '11px',
    color: theme.colors.text.secondary,
    fontVariantNumeric: 'tabular-nums',
    pointerEvents: 'none',
  }),
  timelineTick: css({ position: 'absolute', top: 0, transform: 'translateX(-50%)', whiteSpace: 'nowrap' }),
  timelineHover: css({
    position: 'fixed',
    zIndex: theme.zIndex.tooltip,
    whiteSpace: 'nowrap',
    pointerEvents: 'none',
    fontSize: theme.typography.bodySmall.fontSize,
    padding: theme.spacing(0.25, 0.75),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.medium}`,
    boxShadow: theme.shadows.z2,
    color: theme.colors.text.primary,
  }),
  cardClickable: css({ cursor: 'pointer' }),
  cardExpanded: css({ '&&': { borderColor: theme.colors.border.strong } }),
  // Grid layout: an opened card takes its row's whole width (its row-mates move below it), room for the member table.
  cardSpanRow: css({ '&&': { gridColumn: '1 / -1' } }),
  tableScroll: css({ overflowX: 'auto', maxWidth: '100%' }),
  finding: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    minWidth: 0,
  }),
  findingAction: css({ color: theme.colors.text.secondary }),
  planned: css({
    fontSize: theme.typography.bodySmall.fontSize,
    borderRadius: theme.shape.radius.pill,
    padding: theme.spacing(0, 0.75),
    border: `1px dashed ${theme.colors.info.border}`,
    color: theme.colors.info.text,
    whiteSpace: 'nowrap',
    flex: '0 0 auto',
  }),
  toggle: css({
    background: 'none',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    padding: theme.spacing(0, 0.75),
    cursor: 'pointer',
    flex: '0 0 auto',
    marginLeft: 'auto',
    '&:hover': { color: theme.colors.text.primary, borderColor: theme.colors.border.medium },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: 1 },
  }),
  drilldown: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    paddingTop: theme.spacing(1),
    cursor: 'auto',
  }),
  drilldownHeading: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
  }),
  findingList: css({
    margin: 0,
    paddingLeft: theme.spacing(2),
    fontSize: theme.typography.bodySmall.fontSize,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.25),
  }),
  causeTag: css({ fontFamily: theme.typography.fontFamilyMonospace, color: theme.colors.text.secondary, marginRight: theme.spacing(0.5) }),
  memberTable: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
    'th, td': { textAlign: 'left', padding: theme.spacing(0.25, 1), borderBottom: `1px solid ${theme.colors.border.weak}`, verticalAlign: 'middle' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  // A member's role under its name, and each failure-domain value or permission difference on its own line.
  memberRole: css({ display: 'block', color: theme.colors.text.secondary }),
  // "1m 32s" and "41.0 MB" on one line: the new columns take the width, not the numbers.
  noWrap: css({ whiteSpace: 'nowrap' }),
  detailList: css({ listStyle: 'none', margin: 0, padding: 0, color: theme.colors.text.secondary }),
  sharedDomain: css({ color: theme.colors.warning.text }),
  statusBad: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
  statusWarn: css({ color: theme.colors.warning.text }),
  statusUnknown: css({ color: theme.colors.text.secondary, fontStyle: 'italic' }),
  phaseTimes: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  swatch: css({ display: 'inline-block', width: 8, height: 8, borderRadius: 2, marginRight: theme.spacing(0.5) }),
  chips: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  chip: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 0.75),
    border: `1px solid ${theme.colors.border.medium}`,
    color: theme.colors.text.primary,
    background: theme.colors.background.primary,
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  chipWarning: css({ '&&': { borderColor: theme.colors.warning.border, color: theme.colors.warning.text } }),
  chipDanger: css({ '&&': { borderColor: theme.colors.error.border, color: theme.colors.error.text } }),
  // List layout: fixed columns so bars, budgets and timelines line up from row to row.
  badgeColumn: css({ '&&': { flex: '0 0 128px', width: 128 } }),
  nameColumn: css({ '&&': { flex: '0 0 170px', width: 170 } }),
  elapsedColumn: css({ '&&': { flex: '0 0 104px', width: 104 } }),
});

export type PanelStyles = ReturnType<typeof getStyles>;
