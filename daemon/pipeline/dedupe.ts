/**
 * Decides whether an incoming item is one Veille already has: the same source repeating it, or
 * another source carrying the same article (same canonical URL) or the same wording.
 */
import type { ItemStore } from '../../storage/items.ts';
import type { NormalItem } from './normalise.ts';

export type Existing = { itemId: number; kind: 'seen' | 'duplicate' } | null;

/**
 * Below this many characters of wording, equal text is a coincidence ("Road closed"), not the
 * same story, so only longer texts are merged on their hash.
 */
const MIN_HASHED_LENGTH = 60;

export function findExisting(store: ItemStore, sourceId: string, item: NormalItem): Existing {
  const seen = store.findSighting(sourceId, item.externalId);
  if (seen !== undefined) return { itemId: seen, kind: 'seen' };
  const byUrl = item.canonicalUrl ? store.findByCanonicalUrl(item.canonicalUrl) : undefined;
  if (byUrl !== undefined) return { itemId: byUrl, kind: 'duplicate' };
  if (item.title.length + item.text.length >= MIN_HASHED_LENGTH) {
    const byHash = store.findByContentHash(item.contentHash);
    if (byHash !== undefined) return { itemId: byHash, kind: 'duplicate' };
  }
  return null;
}
