/** Builds the fetcher for each configured source kind. */
import type { SourceConfig } from '../config.ts';
import { createRssSource } from './rss.ts';
import type { Source } from './types.ts';

export function createSource(cfg: SourceConfig): Source {
  switch (cfg.type) {
    case 'rss':
      return createRssSource(cfg);
    case 'x':
      return loadedOnFirstFetch(cfg, async () => (await import('./x.ts')).createXSource(cfg));
    case 'mastodon':
      return loadedOnFirstFetch(cfg, async () => (await import('./mastodon.ts')).createMastodonSource(cfg));
  }
}

/**
 * Most setups poll only feeds: the X and Mastodon clients (twitter-api-v2 alone holds several MB)
 * are loaded when such a source first fetches, and that one instance keeps its state after.
 */
function loadedOnFirstFetch(cfg: { id: string; type: string }, load: () => Promise<Source>): Source {
  let source: Promise<Source> | undefined;
  return {
    id: cfg.id,
    type: cfg.type,
    async fetch(state, ctx) {
      source ??= load();
      return (await source).fetch(state, ctx);
    },
  };
}
