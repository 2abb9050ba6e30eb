/**
 * Emerging issues inside the ingest path: each new item joins a story (in the ingest transaction,
 * so an item is never stored without its story), feeds the burst detector, and after each cycle
 * the detector's new bursts are stored. Both keep their memory in process and rebuild it from
 * stored items on start.
 */
import { textLang } from '../../rules/text.ts';
import { BurstDetector, type Burst, type DetectorOptions } from '../../rules/bursts/detector.ts';
import { BurstKeys } from '../../rules/bursts/keys.ts';
import { StoryGrouper } from '../../rules/stories/grouper.ts';
import { contentTerms, textWords } from '../../rules/stories/terms.ts';
import type { Db, Writer } from '../../storage/db.ts';
import { activeBursts, endBurst, recentItems, recentStories, saveBurst, storyStore, type StoryStore } from '../../storage/stories.ts';
import type { NewItemHook, StoredItem } from './ingest.ts';

export interface EmergingOptions {
  /** The institution's own names: nearly every item says them, so they weigh little. */
  watchNames: readonly string[];
  detector: Partial<DetectorOptions>;
}

export interface BurstEvents {
  flagged: (Burst & { id: number })[];
  ended: Burst[];
}

const DAY = 86_400_000;


export class Emerging {
  private readonly grouper: StoryGrouper;
  private readonly detector: BurstDetector;
  private readonly keys: BurstKeys;
  private store: StoryStore | undefined;

  constructor(opts: EmergingOptions) {
    this.grouper = new StoryGrouper({ watchNames: opts.watchNames });
    this.detector = new BurstDetector(opts.detector);
    this.keys = new BurstKeys({ watchNames: opts.watchNames });
  }

  /** Reloads recent stories and a week of counts, so a restart neither forgets nor re-flags. */
  restore(db: Db, now: number): void {
    this.store = storyStore(db);
    const historyDays = 7;
    const since = now - historyDays * DAY;
    const items = [...recentItems(db, since)];
    this.grouper.restore(
      recentStories(db, now - 3 * DAY),
      items.map((i) => ({ at: i.at, text: `${i.title}\n${i.text}`, lang: textLang(i.lang) })),
    );
    this.detector.rebuild(
      items.map((i) => ({ itemId: i.id, at: i.at, keys: this.keys.of({ text: `${i.title}\n${i.text}`, lang: textLang(i.lang), storyId: i.storyId, ruleIds: i.ruleIds }) })),
      activeBursts(db),
    );
  }

  /** Call `restore` first: it also binds the hook to the database. */
  readonly hook: NewItemHook = Object.assign(
    (_tx: Writer, stored: StoredItem) => {
      const text = `${stored.item.title}\n${stored.item.text}`;
      const lang = textLang(stored.verdict.lang);
      const at = Math.min(stored.item.publishedAt ?? stored.at, stored.at);
      // The grouper and the burst keys start from the item's words, tokenized once for both.
      const words = textWords(text);
      const terms = contentTerms(text, lang, words);
      const assigned = this.grouper.add({ id: stored.id, at, text, lang, source: stored.sourceId, terms, words });
      this.bound().linkItem(stored.id, assigned.storyId);
      const ruleIds = stored.verdict.topics.map((t) => t.ruleId);
      this.detector.observe({ itemId: stored.id, at, keys: this.keys.of({ text, lang, terms, storyId: assigned.storyId, ruleIds }) });
    },
    {
      // Stories are saved once per ingest transaction, in their state after the batch's last item.
      flush: () => {
        const store = this.bound();
        for (const story of this.grouper.takeChanged()) store.saveStory(story);
      },
    },
  );

  private bound(): StoryStore {
    if (!this.store) throw new Error('Emerging.restore must run before items are ingested');
    return this.store;
  }

  /** Asks the detector what changed and records it; the caller alerts on what it watches. */
  detect(db: Db, now: number): BurstEvents {
    const { flagged, ended } = this.detector.detect(now);
    return db.transaction((tx) => {
      const events = { flagged: flagged.map((b) => ({ ...b, id: saveBurst(tx, b) })), ended };
      for (const b of ended) endBurst(tx, b, now);
      // Ongoing bursts keep growing: their stored count and items follow.
      for (const b of this.detector.active()) saveBurst(tx, b);
      return events;
    });
  }
}
