/** Builds the fetcher for each configured source kind. */
import type { SourceConfig } from '../config.ts';
import { createMastodonSource } from './mastodon.ts';
import { createRssSource } from './rss.ts';
import type { Source } from './types.ts';
import { createXSource } from './x.ts';

export function createSource(cfg: SourceConfig): Source {
  switch (cfg.type) {
    case 'rss':
      return createRssSource(cfg);
    case 'x':
      return createXSource(cfg);
    case 'mastodon':
      return createMastodonSource(cfg);
  }
}
