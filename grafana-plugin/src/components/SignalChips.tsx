import React from 'react';

import { divergenceText, hiddenInstabilityText, permissionDriftText, permissionsNotObservedText, sharedDomainText } from '../model/describe';
import { GroupModel } from '../model/group-model';
import { RecoveryPanelOptions } from '../types';
import { PanelStyles, classes } from './styles';

interface Props {
  group: GroupModel;
  options: RecoveryPanelOptions;
  styles: PanelStyles;
}

/** Hidden dangers beside the phase: each chip names what is wrong, so nobody has to open another dashboard. */
export function SignalChips({ group, options, styles }: Props) {
  const chips: Array<{ id: string; text: string; title: string; tone?: 'warning' | 'danger' }> = [];
  const divergence = options.showDivergenceChip ? divergenceText(group) : undefined;
  if (divergence) {
    chips.push({ id: 'divergence', text: divergence, title: 'Members not converged with the leader, by status.' });
  }
  const drift = options.showPermissionDriftChip ? permissionDriftText(group) : undefined;
  if (drift) {
    chips.push({
      id: 'permission-drift',
      text: drift,
      tone: 'danger',
      title: 'These members enforce different permissions (ACLs, auth rules, TLS) than the leader: a recovered node that validates less is an open door.',
    });
  }
  const notObserved = options.showPermissionDriftChip ? permissionsNotObservedText(group) : undefined;
  if (notObserved) {
    chips.push({
      id: 'permissions-not-observed',
      text: notObserved,
      title:
        'No member of this group reports its permissions (ACLs, auth rules, grants) — e.g. it is read through Prometheus exporters, which expose none — so drift cannot be seen here.',
    });
  }
  if (options.showSharedDomainChip) {
    for (const domain of group.sharedDomains) {
      chips.push({
        id: `shared-${domain.dimension}`,
        text: sharedDomainText(domain),
        tone: 'warning',
        title: `Every member shares ${domain.dimension}=${domain.value}: one failure there takes all replicas down together.`,
      });
    }
  }
  const hidden = options.showHiddenInstabilityChip ? hiddenInstabilityText(group) : undefined;
  if (hidden) {
    chips.push({
      id: 'hidden-instability',
      text: hidden,
      tone: 'warning',
      title: 'Requests work again, but redundancy is not back: the next failure will not be absorbed.',
    });
  }
  if (chips.length === 0) {
    return null;
  }
  return (
    <div className={styles.chips}>
      {chips.map((c) => (
        <span
          key={c.id}
          className={classes(styles.chip, c.tone === 'warning' && styles.chipWarning, c.tone === 'danger' && styles.chipDanger)}
          data-testid={`chip-${c.id}`}
          title={c.title}
        >
          {c.text}
        </span>
      ))}
    </div>
  );
}
