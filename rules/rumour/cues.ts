/**
 * Explicit rumour cues: the wording and typography of posts that pass on something unverified
 * (hedges, pleas to share, second-hand or hidden sources, questions asking for confirmation,
 * shouting), and of posts that correct or officially state something. They are counted as
 * fixed-weight features next to the learned word model, so that a post is judged on how it
 * speaks even when its vocabulary is new, and so that staff can read why it scored as it did.
 */
import { fold } from '../text.ts';

export type CueKind = 'hedge' | 'share' | 'sourcing' | 'question' | 'outrage' | 'caps' | 'exclamation' | 'refutation' | 'official';

export interface Cue {
  kind: CueKind;
  /** Contribution to the rumour log-odds; negative for cues of correction or official wording. */
  weight: number;
  /** The words or marks that triggered it, for explanations. */
  evidence: string[];
}

/** Log-odds each cue adds; counted once per post whatever the number of hits. */
export const CUE_WEIGHTS: Readonly<Record<CueKind, number>> = {
  hedge: 1.4,
  share: 1.6,
  sourcing: 1.3,
  question: 1.1,
  outrage: 0.8,
  caps: 0.7,
  exclamation: 0.6,
  refutation: -2.4,
  official: -1.2,
};

/**
 * Phrases on folded text (lower case, no accents, straight apostrophes), so that `paraît`,
 * `parait` and `PARAÎT` are one cue. Both languages are always tried: posts mix them.
 */
const PHRASES: Record<Exclude<CueKind, 'caps' | 'exclamation'>, string[]> = {
  hedge: [
    'apparently', 'allegedly', 'supposedly', 'rumou?rs? (?:is|are|say|has it)', 'i(?:\'ve| have)? heard', 'heard (?:that|from)',
    'word is', 'people are saying', 'everyone is saying', 'not sure if (?:this is |it\'s )?(?:true|real|legit)', 'unconfirmed',
    'j\'ai entendu', 'jai entendu', '(?:il|y) parait', 'parait que', 'apparemment', 'on dit que', 'on m\'a dit',
    'selon (?:la|les) rumeurs?', 'il semblerait', 'semble-t-il', 'parait-il', 'ca se peut que', 'pas sur si c\'est vrai',
  ],
  share: [
    'share (?:this|before|it|now|widely|with)', 'please share', 'pls share', 'plz share', 'spread the word', 'pass (?:it|this) on',
    'retweet', 'rt if', 'tell everyone', 'warn (?:your|everyone)', 'before (?:they|it gets?) delete', 'copy and paste',
    '(?<!ne )partagez(?! pas)', 'a partager', 'partage[sz]? (?:ca|svp|vite|avant)', 'faites (?:tourner|circuler|passer)',
    'passez le mot', 'avertissez vos', 'avant qu\'ils (?:le )?(?:suppriment|effacent|enlevent)',
  ],
  sourcing: [
    'my (?:cousin|friend|buddy|brother|sister|neighbou?r|uncle|aunt|wife|husband|mom|dad|coworker|brother-in-law|sister-in-law)(?:\'s \\w+)? (?:who )?(?:works?|is a|told|says|said)',
    'a friend of a friend', 'friend who works', 'someone (?:who works|at|from|in) (?:the )?(?:city|police|hospital|hydro|school|ministry)',
    'an? (?:insider|source) (?:told|says|said)', 'sources say', 'inside source', 'they don\'t want you to know',
    '(?:mainstream )?media (?:won\'t|will not|isn\'t|is not|aren\'t) (?:report|tell|cover|talk)', 'the news won\'t',
    'no one is talking about', 'nobody is talking about', 'do your own research',
    'mon (?:chum|cousin|beau-frere|voisin|oncle|frere|pere|chum de fille|collegue|boss)(?: qui| y| il)', 'ma (?:blonde|cousine|soeur|voisine|tante|belle-soeur|mere|collegue)(?: qui| a dit| dit| m\'a)',
    'un (?:ami|gars|chum) qui (?:travaille|connait)', 'une amie? qui travaille', 'quelqu\'un qui travaille', 'une source (?:m\'a|nous a|dit)',
    'les medias (?:n\'en parlent|en parlent pas|ne (?:disent|parlent)|cachent)', 'personne (?:n\'en parle|en parle pas)',
    'on nous cache', '(?:ils|y) veulent pas que', 'ils ne veulent pas que',
  ],
  question: [
    'is (?:it|this|that) (?:true|real|legit)', 'can (?:anyone|someone|somebody) confirm', '(?:anyone|anybody) (?:know|heard) (?:if|whether|anything)',
    'true or (?:not|fake)', 'is this for real', 'c\'est (?:tu|ti|tu-tu) vrai', 'c\'tu vrai', 'est-ce (?:que c\'est )?vrai', 'quelqu\'un (?:peut|pourrait|sait) (?:confirmer|si)',
    'vous avez entendu', 'quelqu\'un a entendu', 'c\'est vrai que',
  ],
  // Indignation that asks to be believed and passed on rather than checked.
  outrage: [
    'unbelievable', 'can you believe', 'outrageous', 'insane', 'disgusting', 'wake up', 'covering (?:it|this) up', 'cover-?up',
    'they(?:\'re| are) hiding', 'what a joke', 'wtf', 'incroyable', 'scandaleux', 'c\'est (?:fou|debile|ridicule|un scandale)',
    'voyons donc', 'ben voyons', 'reveillez-vous', '(?:ils|y) cachent', 'en cachette', 'on rit de nous',
  ],
  refutation: [
    'fake news', '(?:false|faux|fake)(?= ?:)', '(?:is|are|was|this is|that\'s|that is) (?:false|fake|a hoax|untrue|not true)', 'not true', 'no truth', 'hoax', 'debunk',
    'misinformation', 'disinformation', 'no evidence', 'false (?:claim|rumou?r|report|information|post)', 'do not share', 'don\'t share',
    'stop sharing', 'fact.check', 'not accurate', 'inaccurate', 'there is no (?:truth|evidence|plan)', 'contrary to (?:posts|rumou?rs|claims)',
    'fausses? (?:nouvelles?|informations?|rumeurs?)', 'c\'est faux', 'est faux', 'sont fausses', 'pas vrai', 'aucune preuve',
    'desinformation', 'ne partagez pas', 'arretez de partager', 'dementi', 'dement', 'contrairement (?:a|aux) (?:ce qui|les rumeurs|des publications)',
    'n\'a (?:ete|jamais ete) (?:signale|confirme)', 'aucun (?:cas|incident|signalement) (?:n\'a|confirme|signale)', 'rumeur (?:non fondee|infondee)',
  ],
  official: [
    'in a (?:news )?(?:statement|release)', 'press release', 'news release', 'said in a statement', 'media advisory', 'press conference',
    'communique', 'point de presse', 'dans un (?:communique|avis)', 'avis aux medias',
  ],
};

const PHRASE_KINDS = Object.keys(PHRASES) as (keyof typeof PHRASES)[];
/**
 * One pass over the post for every phrase list, one capture group per cue kind. Folded text is
 * ASCII in practice, so `\b` is a word boundary and the faster non-Unicode engine applies.
 */
const PHRASE_RE = new RegExp(`\\b(?:${PHRASE_KINDS.map((k) => `(${PHRASES[k].join('|')})`).join('|')})\\b`, 'g');

// Acronyms that are written in capitals on purpose and say nothing about tone.
const ACRONYMS = new Set(['RCMP', 'SPVM', 'OCDSB', 'OCSB', 'CEPEO', 'CECCE', 'CHEO', 'NATO', 'CTV', 'CBC', 'GRC', 'UPDATE', 'COVID', 'LRT', 'OSTA']);
const CAPS_WORD = /\b[A-ZÀ-ÖØ-Þ]{4,}\b/g;
const ALARM = /[\u{1F6A8}\u{203C}\u{26A0}]/gu;

/** The cues present in a post; empty for a plain one. */
export function detectCues(title: string, text: string): Cue[] {
  const raw = title ? `${title}\n${text}` : text;
  return detectCuesIn(raw, fold(raw));
}

/** detectCues() of a post's whole text (`title\ntext`) and its fold(), when the caller has both. */
export function detectCuesIn(raw: string, folded: string): Cue[] {
  const cues: Cue[] = [];
  let found: Map<CueKind, Set<string>> | undefined;
  PHRASE_RE.lastIndex = 0;
  for (let m = PHRASE_RE.exec(folded); m; m = PHRASE_RE.exec(m.input)) {
    const g = m.findIndex((v, i) => i > 0 && v !== undefined);
    const kind = PHRASE_KINDS[g - 1];
    found ??= new Map();
    let set = found.get(kind);
    if (!set) found.set(kind, (set = new Set()));
    set.add(m[0]);
  }
  if (found) for (const [kind, hits] of found) cues.push({ kind, weight: CUE_WEIGHTS[kind], evidence: [...hits] });
  const caps = capsEvidence(raw);
  if (caps) cues.push({ kind: 'caps', weight: CUE_WEIGHTS.caps, evidence: caps });
  const bangs = exclamationEvidence(raw);
  if (bangs) cues.push({ kind: 'exclamation', weight: CUE_WEIGHTS.exclamation, evidence: bangs });
  return cues;
}

// What capsEvidence counts, by character: a-z, A-Z, and the capitals CAPS_WORD matches.
const LOWER = 1;
const UPPER = 2;
const CAPITAL = 4;
const CASE_KINDS = Uint8Array.from({ length: 0xdf }, (_, c) =>
  c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER | CAPITAL : (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xde) ? CAPITAL : 0,
);

/** Two shouted words, or a post mostly in capitals. */
function capsEvidence(raw: string): string[] | null {
  // One pass finds what both tests need: ASCII letters and capitals (accented ones are too few to
  // change the ratio), and whether four capitals in a row, without which CAPS_WORD finds nothing.
  // Each character's kind is read from a table and added without branching.
  let lower = 0;
  let upper = 0;
  let run = 0;
  let longest = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    const kind = c < CASE_KINDS.length ? CASE_KINDS[c] : 0;
    lower += kind & LOWER;
    upper += (kind & UPPER) >> 1;
    run = kind & CAPITAL ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const letters = lower + upper;
  if (longest >= 4) {
    const words = (raw.match(CAPS_WORD) ?? []).filter((w) => !ACRONYMS.has(w));
    if (words.length >= 2) return [...new Set(words)].slice(0, 5);
  }
  return letters >= 20 && upper / letters > 0.5 ? [`${Math.round((100 * upper) / letters)}% capitals`] : null;
}

/** Repeated exclamation marks or alarm signs. */
function exclamationEvidence(raw: string): string[] | null {
  ALARM.lastIndex = 0;
  if (!raw.includes('!') && !ALARM.test(raw)) return null;
  const runs = raw.match(/[!?]*![!?]*!+[!?]*/g);
  const total = (raw.match(/!/g) ?? []).length;
  const alarms = raw.match(ALARM);
  if (!runs && total < 3 && !alarms) return null;
  return [...new Set([...(runs ?? (total >= 3 ? [`${total} × !`] : [])), ...(alarms ?? [])])];
}
