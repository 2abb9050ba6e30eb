/** Builds the fetcher for each configured source kind. */
import type { SourceConfig } from '../config.ts';
import { createRssSource } from './rss.ts';
import type { Source } from './types.ts';

export function createSource(cfg: SourceConfig): Source {
  switch (cfg.type) {
    case 'rss':
      return createRssSource(cfg);
  }
}
