/** Staff labels, and the training material they give the rumour model and the claim matcher. */
import { eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { items } from './schema/items.ts';
import { labels } from './schema/labels.ts';

export type LabelKind = 'rumour' | 'claim';
export type LabelRow = typeof labels.$inferSelect;

/** Records a label, replacing an earlier one of the same kind on the same item. */
export function setLabel(db: Db, itemId: number, kind: LabelKind, value: string, at: number = Date.now()): void {
  db.insert(labels)
    .values({ itemId, kind, value, createdAt: at })
    .onConflictDoUpdate({ target: [labels.itemId, labels.kind], set: { value, createdAt: at } })
    .run();
}

export function labelsOf(db: Db, itemId: number): LabelRow[] {
  return db.select().from(labels).where(eq(labels.itemId, itemId)).all();
}

/** Labelled texts, ready to learn from. */
export interface StaffLabels {
  rumour: { text: string; lang: string; rumour: boolean }[];
  claimVariants: { claimId: string; text: string; lang: string }[];
}

export function readStaffLabels(db: Db): StaffLabels {
  const rows = db
    .select({ kind: labels.kind, value: labels.value, title: items.title, text: items.text, lang: items.lang })
    .from(labels)
    .innerJoin(items, eq(items.id, labels.itemId))
    .orderBy(labels.id)
    .all();
  const out: StaffLabels = { rumour: [], claimVariants: [] };
  for (const r of rows) {
    const text = r.title && !r.text.startsWith(r.title) ? `${r.title}\n${r.text}` : r.text;
    if (r.kind === 'rumour') out.rumour.push({ text, lang: r.lang, rumour: r.value === 'rumour' });
    else out.claimVariants.push({ claimId: r.value, text, lang: r.lang });
  }
  return out;
}
