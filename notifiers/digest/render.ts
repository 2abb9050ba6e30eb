/** One digest, ready to mail: its subject and its two parts in one language. */
import type { DigestData } from './build.ts';
import { renderHtml } from './html.ts';
import { Formatter, type DigestLang } from './i18n.ts';
import { subject } from './phrases.ts';
import { renderText } from './text.ts';
import { oneLine } from '../../rules/text.ts';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export function renderDigest(data: DigestData, lang: DigestLang, opts: { team?: string } = {}): RenderedDigest {
  const fmt = new Formatter(lang, data.timezone);
  const team = opts.team === undefined ? undefined : oneLine(opts.team, 100);
  return { subject: subject(data, fmt), html: renderHtml(data, fmt, team), text: renderText(data, fmt, team) };
}
