/**
 * Loads the rule folder and the claims file into one classifier. Loading either succeeds whole or
 * reports every error, so a running daemon can keep its last good matchers on a bad edit.
 */
import type { Config } from './config.ts';
import type { Db } from '../storage/db.ts';
import { createClassifier } from '../rules/classifier.ts';
import { formatRuleErrors } from '../rules/errors.ts';
import { loadRules } from '../rules/loader.ts';
import { createTopicMatcher } from '../rules/topics.ts';
import type { Classifier } from '../rules/types.ts';

export interface LoadedMatchers {
  ok: true;
  classifier: Classifier;
}

export type Matchers = LoadedMatchers | { ok: false; errors: string };

export function loadMatchers(config: Pick<Config, 'rules' | 'claims' | 'languages'>, _db?: Db): Matchers {
  const { rules, errors } = loadRules(config.rules);
  if (errors.length) return { ok: false, errors: formatRuleErrors(errors) };
  const topics = createTopicMatcher(rules);
  return {
    ok: true,
    classifier: createClassifier({ languages: config.languages, topics }),
  };
}
