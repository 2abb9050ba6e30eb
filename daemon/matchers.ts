/**
 * Loads the rule folder, the claims file and what staff taught (labels in the database) into one
 * classifier. Loading either succeeds whole or reports every error, so a running daemon can keep
 * its last good matchers on a bad edit; the rumour model is retrained on every load.
 */
import type { Config } from './config.ts';
import type { Db } from '../storage/db.ts';
import { readStaffLabels } from '../storage/labels.ts';
import { loadClassifier } from '../rules/classifier.ts';
import { formatRuleErrors } from '../rules/errors.ts';
import type { Classifier } from '../rules/types.ts';
import { alertRefs } from '../notifiers/alerts/refs.ts';
import type { AlertRefs } from '../notifiers/alerts/send.ts';
import type { RuleTriggers } from './pipeline/alerting.ts';

export interface LoadedMatchers {
  ok: true;
  classifier: Classifier;
  /** Which rules ask for alerts, for bursts. */
  triggers: RuleTriggers;
  /** Claim texts and rule names that alert mails quote. */
  refs: AlertRefs;
}

export type Matchers = LoadedMatchers | { ok: false; errors: string };

export function loadMatchers(config: Pick<Config, 'rules' | 'claims' | 'languages' | 'rumour'>, db?: Db): Matchers {
  const loaded = loadClassifier({
    rules: config.rules,
    claims: config.claims,
    languages: config.languages,
    rumourThreshold: config.rumour.threshold,
    staff: db ? readStaffLabels(db) : undefined,
  });
  if (!loaded.ok) return { ok: false, errors: formatRuleErrors(loaded.errors) };
  return {
    ok: true,
    classifier: loaded.classifier,
    triggers: new Map(loaded.rules.map((r) => [r.id, { trigger: r.trigger, severity: r.severity }])),
    refs: alertRefs(loaded.claims, loaded.rules),
  };
}
