/**
 * Deterministic synthetic stream for measuring burst detection: a bilingual (EN/FR) background of
 * routine mentions of a police service with a daily and weekly rhythm, reposts and light edits,
 * plus injected bursts about subjects the background never mentions, of chosen size and speed.
 *
 *   const s = generateStream({ seed: 7, days: 8, bursts: [{ subject: 'sinkhole', lang: 'en',
 *     startHour: 50, size: 20, durationMin: 30 }] });
 *   s.items   → time-ordered { id, at, text, lang, source, ruleIds, burst? }
 *   s.bursts  → the injected bursts with their real start time
 *
 * Times follow America/Toronto in January (UTC−5, no daylight-saving change), starting on a Monday.
 */
import type { Lang } from '../rules/text.ts';

export interface GenItem {
  id: number;
  at: number;
  text: string;
  lang: Lang;
  source: string;
  /** What a topic rule file would have matched, for per-rule counts. */
  ruleIds: string[];
  /** Id of the injected burst the item belongs to. */
  burst?: string;
}

export type Subject = keyof typeof SUBJECTS;

export interface BurstSpec {
  subject: Subject;
  lang: Lang | 'both';
  /** Hours after the start of the stream. */
  startHour: number;
  size: number;
  durationMin: number;
}

export interface InjectedBurst extends BurstSpec {
  id: string;
  start: number;
}

export interface StreamOptions {
  seed: number;
  days: number;
  /** Background items on an average weekday. */
  perDay: number;
  frShare: number;
  bursts: readonly BurstSpec[];
}

export interface Stream {
  start: number;
  end: number;
  items: GenItem[];
  bursts: InjectedBurst[];
}

/** Monday 2026-01-05 00:00 in Ottawa. */
export const STREAM_START = Date.UTC(2026, 0, 5, 5);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Relative activity by local hour: quiet nights, a morning and an evening peak.
const RHYTHM = [0.25, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.2, 1.8, 1.7, 1.4, 1.3, 1.4, 1.3, 1.2, 1.3, 1.5, 1.7, 1.6, 1.4, 1.2, 1.0, 0.7, 0.45];
const WEEKEND = 0.6;

const SLOTS = {
  road: ['Highway 417', 'Bank Street', 'Rideau Street', 'Hunt Club Road', 'Carling Avenue', 'Baseline Road', 'Montreal Road', 'St. Laurent Boulevard', 'Merivale Road', 'Bronson Avenue', 'Innes Road', 'Woodroffe Avenue'],
  route: ['l\'autoroute 417', 'la rue Bank', 'la rue Rideau', 'le chemin Hunt Club', 'l\'avenue Carling', 'le chemin Baseline', 'le chemin de Montréal', 'le boulevard St-Laurent', 'le chemin Merivale', 'l\'avenue Bronson', 'le chemin Innes', 'l\'avenue Woodroffe'],
  place: ['Orléans', 'Kanata', 'Barrhaven', 'Vanier', 'Centretown', 'the ByWard Market', 'Westboro', 'Nepean', 'Gloucester', 'Alta Vista', 'Sandy Hill', 'Stittsville', 'Hintonburg', 'Riverside South'],
  lieu: ['Orléans', 'Kanata', 'Barrhaven', 'Vanier', 'au centre-ville', 'au marché By', 'Westboro', 'Nepean', 'Gloucester', 'Alta Vista', 'la Côte-de-Sable', 'Stittsville', 'Hintonburg', 'Riverside-Sud'],
  inst: ['Ottawa Police', 'OPS', '@OttawaPolice', 'Ottawa police officers', 'The Ottawa Police Service'],
  spo: ['Le SPO', 'La police d\'Ottawa', 'Le Service de police d\'Ottawa', '@SPO_Ottawa', 'Les policiers d\'Ottawa'],
  crime: ['break-in', 'robbery', 'stabbing', 'car theft', 'assault', 'shoplifting incident', 'hit and run', 'carjacking'],
  crimeFr: ['introduction par effraction', 'vol qualifié', 'agression armée', 'vol de voiture', 'voies de fait', 'vol à l\'étalage', 'délit de fuite', 'vol de véhicule'],
  event: ['community barbecue', 'toy drive', 'youth hockey game', 'safety fair', 'food bank drive', 'open house', 'charity run'],
  eventFr: ['barbecue communautaire', 'collecte de jouets', 'match de hockey jeunesse', 'salon de la sécurité', 'collecte pour la banque alimentaire', 'journée portes ouvertes', 'course caritative'],
  tag: ['#ottnews', '#ottawa', '#otttraffic', '#ottcity', '', '', ''],
  tagFr: ['#ottawa', '#ONfr', '#gatineau', '', '', ''],
  chatter: ['Honestly', 'Just saw this', 'Wow', 'Again?', 'Stay safe everyone', 'Not surprised', 'Heads up', 'FYI'],
  chatterFr: ['Franchement', 'Je viens de voir ça', 'Encore?', 'Soyez prudents', 'Pas surpris', 'À savoir', 'Attention'],
};

// Routine subjects with a rule id, so rules have a steady baseline too.
const BACKGROUND: Record<Lang, { rule: string; t: string }[]> = {
  en: [
    { rule: 'traffic', t: 'Collision on {road} near {place}, lanes closed, expect delays {tag}' },
    { rule: 'traffic', t: '{inst} reminding drivers to slow down on {road} after several crashes this week {tag}' },
    { rule: 'traffic', t: 'Heavy traffic on {road} this morning, {inst} directing cars around a stalled bus' },
    { rule: 'crime', t: '{inst} investigating a {crime} in {place} overnight, suspect sought {tag}' },
    { rule: 'crime', t: '{inst} arrest a man after a {crime} in {place}, charges laid' },
    { rule: 'crime', t: '{chatter}, another {crime} in {place}. Where are the patrols? {tag}' },
    { rule: 'community', t: '{inst} officers at the {event} in {place} this weekend, come say hi {tag}' },
    { rule: 'community', t: 'Thanks to {inst} for the {event} in {place}, great turnout' },
    { rule: 'governance', t: 'City council debates the {inst} budget again, motion to freeze funding {tag}' },
    { rule: 'governance', t: 'Police services board meeting tonight: {inst} chief to present the annual report' },
    { rule: 'general', t: '{chatter}: lots of {inst} cruisers on {road} right now, anyone know why? {tag}' },
    { rule: 'general', t: '{inst} hiring new constables, info session in {place} {tag}' },
  ],
  fr: [
    { rule: 'traffic', t: 'Collision sur {route} près de {lieu}, voies fermées, prévoyez des retards {tagFr}' },
    { rule: 'traffic', t: '{spo} rappelle aux conducteurs de ralentir sur {route} après plusieurs accidents {tagFr}' },
    { rule: 'traffic', t: 'Circulation dense sur {route} ce matin, {spo} dirige la circulation' },
    { rule: 'crime', t: '{spo} enquête sur une {crimeFr} à {lieu} cette nuit, un suspect recherché {tagFr}' },
    { rule: 'crime', t: '{spo} arrête un homme après une {crimeFr} à {lieu}, accusations portées' },
    { rule: 'crime', t: '{chatterFr}, encore une {crimeFr} à {lieu}. Où sont les patrouilles? {tagFr}' },
    { rule: 'community', t: '{spo} au {eventFr} à {lieu} ce week-end, venez nous saluer {tagFr}' },
    { rule: 'community', t: 'Merci au {spo} pour le {eventFr} à {lieu}, belle participation' },
    { rule: 'governance', t: 'Le conseil municipal débat encore du budget de la police, motion pour geler le financement {tagFr}' },
    { rule: 'governance', t: 'Réunion de la commission de services policiers ce soir : rapport annuel du chef {tagFr}' },
    { rule: 'general', t: '{chatterFr} : beaucoup d\'autopatrouilles sur {route} en ce moment, quelqu\'un sait pourquoi? {tagFr}' },
    { rule: 'general', t: '{spo} embauche de nouveaux agents, séance d\'information à {lieu} {tagFr}' },
  ],
};

// Subjects the background never mentions: each burst is an emerging issue with its own words.
export const SUBJECTS = {
  sinkhole: {
    rule: 'infrastructure',
    en: ['Huge sinkhole opens on {road}, a car fell in, {inst} closing the area', 'Sinkhole on {road}! Car swallowed, avoid the area {tag}', 'Video: the sinkhole on {road} keeps growing, residents evacuated', '{chatter}, a sinkhole just swallowed a car on {road}'],
    fr: ['Un énorme affaissement de chaussée sur {route} engloutit une voiture, {spo} ferme le secteur', 'Affaissement de chaussée sur {route}! Une voiture engloutie, évitez le secteur {tagFr}', 'Vidéo : le trou sur {route} s\'agrandit, des résidents évacués', '{chatterFr}, un affaissement a englouti une voiture sur {route}'],
  },
  spill: {
    rule: 'safety',
    en: ['Chemical spill after a tanker truck overturned on {road}, {inst} urge residents to stay indoors', 'Hazmat crews at a chemical spill on {road}, shelter in place order {tag}', 'Strong chemical smell in {place} after the tanker spill on {road}', '{chatter}, tanker spill on {road}, hazmat everywhere'],
    fr: ['Déversement chimique après le renversement d\'un camion-citerne sur {route}, {spo} demande de rester à l\'intérieur', 'Matières dangereuses : déversement chimique sur {route}, confinement ordonné {tagFr}', 'Forte odeur chimique à {lieu} après le déversement du camion-citerne', '{chatterFr}, camion-citerne renversé sur {route}, déversement chimique'],
  },
  bombThreat: {
    rule: 'safety',
    en: ['Bomb threat at a high school in {place}, students evacuated, {inst} on scene', 'Evacuation of the school in {place} after a bomb threat {tag}', 'Parents gathering outside the evacuated school in {place}, bomb squad inside', '{chatter}, bomb threat at my kid\'s school in {place}'],
    fr: ['Alerte à la bombe dans une école secondaire de {lieu}, élèves évacués, {spo} sur place', 'Évacuation de l\'école de {lieu} après une alerte à la bombe {tagFr}', 'Des parents attendent devant l\'école évacuée de {lieu}, escouade antibombe sur place', '{chatterFr}, alerte à la bombe à l\'école de mon enfant à {lieu}'],
  },
  protest: {
    rule: 'governance',
    en: ['Protest against facial recognition cameras outside city hall, {inst} monitoring', 'Hundreds rally against the facial recognition pilot, demand {inst} drop it {tag}', 'Facial recognition protest growing downtown, marchers heading to {road}', '{chatter}, the facial recognition protest is blocking {road}'],
    fr: ['Manifestation contre les caméras de reconnaissance faciale devant l\'hôtel de ville, {spo} surveille', 'Des centaines de manifestants contre le projet de reconnaissance faciale {tagFr}', 'La manifestation contre la reconnaissance faciale grossit, les marcheurs vers {route}', '{chatterFr}, la manifestation sur la reconnaissance faciale bloque {route}'],
  },
  amber: {
    rule: 'safety',
    en: ['AMBER Alert: missing 6-year-old girl last seen in {place}, {inst} asking for help', 'Please share: Amber Alert in {place}, grey minivan, call 911 {tag}', 'Amber Alert update: the abduction suspect may be heading toward {road}'],
    fr: ['Alerte AMBER : fillette de 6 ans disparue, vue pour la dernière fois à {lieu}, {spo} demande de l\'aide', 'Partagez svp : alerte Amber à {lieu}, fourgonnette grise, composez le 911 {tagFr}', 'Mise à jour de l\'alerte Amber : l\'enlèvement, le suspect se dirigerait vers {route}'],
  },
  watermain: {
    rule: 'infrastructure',
    en: ['Water main break floods {road}, boil water advisory in {place}', 'Flooding on {road} after a water main break, {inst} closing lanes {tag}', 'Boil water advisory for {place} residents after the water main break'],
    fr: ['Bris d\'aqueduc : {route} inondée, avis d\'ébullition d\'eau à {lieu}', 'Inondation sur {route} après un bris d\'aqueduc, {spo} ferme des voies {tagFr}', 'Avis d\'ébullition de l\'eau pour les résidents de {lieu} après le bris d\'aqueduc'],
  },
};

const SOURCES = { en: ['x', 'mastodon', 'cbc-rss', 'ctv-rss', 'citizen-rss', 'reddit-rss'], fr: ['x', 'mastodon', 'radio-canada-rss', 'ledroit-rss', 'onfr-rss'] };

export function generateStream(options: Partial<StreamOptions> = {}): Stream {
  const o: StreamOptions = { seed: 1, days: 7, perDay: 180, frShare: 0.4, bursts: [], ...options };
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const fill = (tpl: string): string =>
    tpl.replace(/\{(\w+)\}/g, (_, k: keyof typeof SLOTS) => pick(SLOTS[k])).replace(/\s+/g, ' ').trim();
  const start = STREAM_START;
  const end = start + o.days * 24 * HOUR;
  const drafts: Omit<GenItem, 'id'>[] = [];

  const mean = RHYTHM.reduce((a, b) => a + b, 0) / 24;
  for (let t = start; t < end; t += MINUTE) {
    const local = new Date(t - 5 * HOUR);
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    const lambda = ((o.perDay / (24 * 60)) * RHYTHM[local.getUTCHours()]) / mean * (weekend ? WEEKEND : 1);
    for (let n = poisson(rnd, lambda); n > 0; n--) {
      const at = t + Math.floor(rnd() * MINUTE);
      const recent = drafts.length ? drafts[drafts.length - 1 - Math.floor(rnd() * Math.min(20, drafts.length))] : undefined;
      // Reposts and syndicated copies: the background has its own near-duplicates.
      if (recent && !recent.burst && rnd() < 0.15) {
        drafts.push({ ...recent, at, source: pick(SOURCES[recent.lang]), text: repost(recent.text, rnd) });
        continue;
      }
      const lang: Lang = rnd() < o.frShare ? 'fr' : 'en';
      const tpl = pick(BACKGROUND[lang]);
      drafts.push({ at, text: fill(tpl.t), lang, source: pick(SOURCES[lang]), ruleIds: [tpl.rule] });
    }
  }

  const bursts: InjectedBurst[] = o.bursts.map((spec, i) => ({ ...spec, id: `b${i + 1}-${spec.subject}-${spec.lang}`, start: start + spec.startHour * HOUR }));
  for (const b of bursts) {
    const subject = SUBJECTS[b.subject];
    const burstDrafts: Omit<GenItem, 'id'>[] = [];
    for (let k = 0; k < b.size; k++) {
      const lang: Lang = b.lang === 'both' ? (rnd() < 0.5 ? 'en' : 'fr') : b.lang;
      // The first item opens the burst; the rest spread over its duration.
      const at = b.start + (k === 0 ? 0 : Math.floor(rnd() * b.durationMin * MINUTE));
      const prev = burstDrafts.filter((d) => d.lang === lang);
      const text = prev.length && rnd() < 0.3 ? repost(pick(prev).text, rnd) : fill(pick(subject[lang]));
      burstDrafts.push({ at, text, lang, source: pick(SOURCES[lang]), ruleIds: [subject.rule], burst: b.id });
    }
    drafts.push(...burstDrafts);
  }

  drafts.sort((a, b) => a.at - b.at);
  return { start, end, items: drafts.map((d, i) => ({ ...d, id: i + 1 })), bursts };
}

function repost(text: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.4) return `RT ${text}`;
  if (r < 0.7) return `${text} https://t.co/${Math.floor(rnd() * 1e8).toString(36)}`;
  return text.replace(/[.!]?\s*$/, rnd() < 0.5 ? ' (via @ottawacitizen)' : '!!');
}

function poisson(rnd: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rnd();
  while (p > limit) {
    k++;
    p *= rnd();
  }
  return k;
}
