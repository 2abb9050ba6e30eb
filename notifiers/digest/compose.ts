/**
 * What the digest needs besides stored items: topic labels from the rules, known claims, and the
 * bursts of the period with a label staff can read. The daemon, `veille digest` and the demo all
 * take them from here.
 */
import type { Config } from '../../daemon/config.ts';
import { formatRuleErrors } from '../../rules/errors.ts';
import { loadClaims } from '../../rules/claims/load.ts';
import { loadRules } from '../../rules/loader.ts';
import type { Db } from '../../storage/db.ts';
import { getItem } from '../../storage/items.ts';
import { listBursts } from '../../storage/stories.ts';
import { buildDigest, type ClaimInfo, type DigestData, type EmergingInput, type Label } from './build.ts';
import { digestSettings } from './send.ts';

/** The digest over [since, until) with everything it shows, ready to render or send. */
export function composeDigest(db: Db, config: Config, since: number, until: number, warn: (msg: string) => void): DigestData {
  return buildDigest(db, { ...digestSettings(config), since, until, ...digestInputs(db, config, since, warn) });
}

export interface DigestInputs {
  labels: Map<string, Label>;
  claims: Map<string, ClaimInfo>;
  emerging: EmergingInput[];
}

/** Problems are reported through `warn` and never stop a digest: topics then show by id. */
export function digestInputs(db: Db, config: Pick<Config, 'rules' | 'claims'>, since: number, warn: (msg: string) => void): DigestInputs {
  const labels = loadLabels(config.rules, warn);
  return { labels, claims: loadClaimInfo(config.claims, warn), emerging: emergingIssues(db, since, labels) };
}

function loadLabels(dir: string, warn: (msg: string) => void): Map<string, Label> {
  try {
    const { rules, errors } = loadRules(dir);
    if (errors.length) warn(`rules have errors, topics they define are shown by id:\n${formatRuleErrors(errors)}`);
    return new Map(rules.map((r) => [r.id, r.label]));
  } catch (err) {
    warn(`cannot load rules from ${dir}, topics are shown by id: ${(err as Error).message}`);
    return new Map();
  }
}

function loadClaimInfo(file: string | undefined, warn: (msg: string) => void): Map<string, ClaimInfo> {
  if (!file) return new Map();
  const { claims, errors } = loadClaims(file);
  if (errors.length) warn(`claims file has errors, claims it defines are shown by id:\n${formatRuleErrors(errors)}`);
  return new Map(claims.map((c) => [c.id, { status: c.status, text: c.text }]));
}

/** A burst is named by its rule's label, or by the first item that told the story or used the term. */
export function emergingIssues(db: Db, since: number, labels: Map<string, Label>): EmergingInput[] {
  return listBursts(db, since).map((b) => {
    const first = b.topItemIds.length ? getItem(db, b.topItemIds[0]) : undefined;
    const title = first ? first.title || first.text.slice(0, 120) : b.key;
    const label = b.kind === 'rule' ? (labels.get(b.key) ?? b.key) : b.kind === 'term' ? `“${b.key}”: ${title}` : title;
    return { label, count: b.count, baseline: b.baseline, startedAt: b.startedAt, items: b.topItemIds };
  });
}
