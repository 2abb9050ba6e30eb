import { describe, expect, it } from 'vitest';
import { openDb } from '../storage/db.ts';
import { ensureSource, recordSuccess } from '../storage/sources.ts';

describe('source rows', () => {
  it('are created once, read back unchanged on every later poll without a write, and follow a change of type', () => {
    const db = openDb(':memory:');
    const changes = () => db.$client.prepare('select total_changes()').pluck().get() as number;
    const first = ensureSource(db, 'cbc', 'rss');
    expect(first).toMatchObject({ id: 'cbc', type: 'rss', consecutiveFailures: 0 });
    recordSuccess(db, first, { etag: '"v1"' }, Date.UTC(2026, 0, 5));
    const before = changes();
    expect(ensureSource(db, 'cbc', 'rss')).toMatchObject({ id: 'cbc', type: 'rss', etag: '"v1"' });
    expect(changes()).toBe(before);
    expect(ensureSource(db, 'cbc', 'mastodon')).toMatchObject({ id: 'cbc', type: 'mastodon', etag: '"v1"' });
    expect(changes()).toBe(before + 1);
  });
});
