/**
 * Language identification restricted to the languages staff monitor: franc alone mistakes short
 * English for Scots, so it is only asked to choose among the configured languages, and anything
 * too short to tell is `und` unless the source states its language.
 */
import { franc } from 'franc';

const ISO3: Record<string, string> = { en: 'eng', fr: 'fra' };
const ISO1: Record<string, string> = { eng: 'en', fra: 'fr' };

export interface LanguageOptions {
  languages: readonly string[];
  minLength?: number;
}

export function detectLanguage(text: string, hint: string | undefined, opts: LanguageOptions): string {
  const minLength = opts.minLength ?? 20;
  const letters = text.replace(/[^\p{L}]+/gu, ' ').trim();
  const normHint = hint?.toLowerCase().slice(0, 2);
  if (letters.length < minLength) return normHint && opts.languages.includes(normHint) ? normHint : 'und';
  const only = opts.languages.map((l) => ISO3[l]).filter(Boolean);
  const code = franc(letters, { only, minLength });
  return ISO1[code] ?? (normHint && opts.languages.includes(normHint) ? normHint : 'und');
}
