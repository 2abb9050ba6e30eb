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

/**
 * For one fetch, in order, whether an item shares its id, canonical URL or wording hash with an
 * earlier item of the same fetch. Only such an item can be judged differently once the earlier
 * ones are stored; for any other, findExisting() gives the same answer before the fetch's writes
 * as after them.
 */
export function repeatsInFetch(items: readonly NormalItem[]): boolean[] {
  const seen = new Set<string>();
  return items.map((item) => {
    // Prefixed, so that an id can never meet a URL or a hash.
    const keys = [`i ${item.externalId}`, `h ${item.contentHash}`];
    if (item.canonicalUrl) keys.push(`u ${item.canonicalUrl}`);
    let repeats = false;
    for (const k of keys) {
      if (seen.has(k)) repeats = true;
      else seen.add(k);
    }
    return repeats;
  });
}
