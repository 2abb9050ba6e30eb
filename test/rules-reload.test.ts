import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine, type Engine } from '../daemon/engine.ts';
import type { Logger } from '../daemon/log.ts';
import { watchRules } from '../daemon/rules-watch.ts';
import { fixtures, memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

let ws: Workspace;
let engine: Engine;
let rulesDir: string;
const log = memoryLog();

const topicsOf = (text: string) => {
  return engine.matchers.classifier.classify({ title: '', text, source: 's' }).topics.map((t) => t.ruleId);
};

beforeEach(() => {
  rulesDir = join(mkdtempSync(join(tmpdir(), 'veille-rules-')), 'rules');
  cpSync(join(fixtures, 'rules-basic'), rulesDir, { recursive: true });
  ws = workspace({ rules: rulesDir });
  engine = createEngine(ws.config(), log as unknown as Logger);
});

afterEach(() => {
  engine.close();
  ws.cleanup();
});

it('swaps in a valid change to the rules folder whole', () => {
  const mailed: string[] = [];
  const watcher = watchRules(engine, log as unknown as Logger, { notifyAdmin: async (e) => void mailed.push(e) });
  expect(topicsOf('A snow plow blocked the bridge all morning')).toEqual([]);
  writeFileSync(join(rulesDir, 'winter.yaml'), "rules:\n  - id: winter\n    label: { en: Winter, fr: Hiver }\n    query: 'snow OR neige'\n");
  expect(watcher.check()).toBe('reloaded');
  expect(topicsOf('A snow plow blocked the bridge all morning')).toEqual(['winter']);
  expect(mailed).toEqual([]);
});

it('keeps the last good rules running when a change is invalid, and tells the admin once', () => {
  const mailed: string[] = [];
  const watcher = watchRules(engine, log as unknown as Logger, { notifyAdmin: async (e) => void mailed.push(e) });
  const broken = join(rulesDir, 'broken.yaml');
  writeFileSync(broken, "rules:\n  - id: broken\n    label: { en: Broken, fr: Cassé }\n    query: 'police AND (arrest'\n");
  expect(watcher.check()).toBe('rejected');
  expect(topicsOf('Police arrest a suspect downtown')).toEqual(['policing']);
  expect(mailed).toHaveLength(1);
  expect(mailed[0]).toContain(`${broken}:4:`);
  expect(log.lines.some((l) => l.level === 'error' && /last good rules keep running/.test(l.msg ?? ''))).toBe(true);

  // The same broken file touched again is not a second email.
  writeFileSync(broken, "rules:\n  - id: broken\n    label: { en: Broken, fr: Cassé }\n    query: 'police AND (arrest'\n\n");
  expect(watcher.check()).toBe('rejected');
  expect(mailed).toHaveLength(1);
  expect(watcher.check()).toBe('unchanged');
});
