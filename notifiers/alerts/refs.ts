/** The claims file and rule names an alert mail quotes, keyed for the sender. */
import type { Config } from '../../daemon/config.ts';
import { loadClaims, type Claim } from '../../rules/claims/load.ts';
import { loadRules, type CompiledRule } from '../../rules/loader.ts';
import type { AlertRefs } from './send.ts';

export function alertRefs(claims: readonly Claim[], rules: readonly Pick<CompiledRule, 'id' | 'label'>[]): AlertRefs {
  return { claims: new Map(claims.map((c) => [c.id, c])), labels: new Map(rules.map((r) => [r.id, r.label])) };
}

/**
 * For commands that deliver alerts outside the daemon. Files with errors still give their valid
 * entries: an alert missing a label is better than no alert.
 */
export function loadAlertRefs(config: Pick<Config, 'claims' | 'rules'>): AlertRefs {
  return alertRefs(config.claims ? loadClaims(config.claims).claims : [], loadRules(config.rules).rules);
}
