/**
 * Content terms of an item, shared by story grouping (TF-IDF) and burst counting (salient terms):
 * folded, stemmed in the item's language, stop-words of both languages removed, URLs ignored.
 *
 *   contentTerms(text, lang)            → ['sinkhol', 'bank', 'street', '#ottnews', …] (with repeats)
 *   watchTerms(['ottawa police', 'spo']) → Set of the stems, hashtags and handles that name the
 *                                         institution, to be down-weighted by callers
 */
import { isStopWord, stem, tokenize, type Lang, type Token } from '../text.ts';

const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;

/**
 * The folded words of a text, links left out: what both the content terms and the near-duplicate
 * shingles start from, so a caller needing both tokenizes once.
 */
export function textWords(text: string): Token[] {
  return tokenize(text.replace(URL, ' '));
}

/** Stems of the words that carry meaning, in text order, repeats kept (callers count them). */
export function contentTerms(text: string, lang: Lang | 'und', words: Token[] = textWords(text)): string[] {
  const stemLang: Lang = lang === 'fr' ? 'fr' : 'en';
  const out: string[] = [];
  for (const { term } of words) {
    const tagged = term[0] === '#' || term[0] === '@';
    if (tagged) {
      if (term.length > 2) out.push(term);
      continue;
    }
    // Numbers are times, dates and counts: they repeat across unrelated items.
    if (term.length < 3 || /^\d/.test(term)) continue;
    // Both lists: a French item quotes English words and vice versa, and `und` items are common.
    if (isStopWord(term)) continue;
    out.push(stem(term, stemLang));
  }
  return out;
}

/**
 * The forms under which the institution's own names appear: each word's stem in both languages,
 * and the names written as one hashtag or handle (`ottawa police` → `#ottawapolice`, `@ottawapolice`).
 * They appear in nearly every item, so they must not make items look alike or look like a burst.
 */
export function watchTerms(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const words = tokenize(name).map((t) => t.term.replace(/^[#@]/, ''));
    if (!words.length) continue;
    for (const w of words) {
      out.add(stem(w, 'en'));
      out.add(stem(w, 'fr'));
    }
    const joined = words.join('');
    out.add(`#${joined}`);
    out.add(`@${joined}`);
  }
  return out;
}
