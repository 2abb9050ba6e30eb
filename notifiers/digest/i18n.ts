/**
 * Every word the digest prints, in English and French. The French table is typed against the
 * English one, so a string added in one language and forgotten in the other fails the typecheck.
 */
export type DigestLang = 'en' | 'fr';

type Plural = { one: string; other: string };

const en = {
  locale: 'en-CA',
  /** French sets a space before a colon. */
  colon: ': ',
  heading: 'Morning digest',
  forTeam: (team: string) => `For ${team}`,
  period: (from: string, to: string, tz: string) => `From ${from} to ${to} (${tz})`,
  subject: (date: string, items: string, flagged: number, failing: number, dead: number) =>
    [
      `Veille digest, ${date}: ${items}`,
      flagged ? `${flagged} flagged` : '',
      failing ? `${failing} ${failing === 1 ? 'source' : 'sources'} failing` : '',
      dead ? `${dead} ${dead === 1 ? 'alert' : 'alerts'} not delivered` : '',
    ]
      .filter(Boolean)
      .join(', '),
  items: { one: 'item', other: 'items' } as Plural,
  overview: (items: string, change: string) => `${items} in this period, ${change}.`,
  blindSpots: 'Blind spots: sources not reporting',
  blindSpotsIntro: 'Nothing new arrives from these sources: mentions published there are being missed.',
  blindSpotsNone: 'All sources are reporting.',
  failingFor: (duration: string, attempts: number) => `failing for ${duration}, ${attempts} failed ${attempts === 1 ? 'attempt' : 'attempts'}`,
  lastSuccess: (when: string) => `last success ${when}`,
  neverSucceeded: 'never reached',
  lastError: 'last error',
  deadAlerts: 'Alerts not delivered',
  deadAlertsIntro: 'These alerts could not be mailed and were given up on: their recipients never received them.',
  failingSince: (when: string) => `failing since ${when}`,
  givenUp: (when: string, attempts: number) => `given up ${when} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`,
  flagged: 'Flagged rumours',
  flaggedCount: (n: string, change: string) => `Flagged: ${n}, ${change}.`,
  flaggedNone: 'Nothing flagged.',
  why: 'why',
  claims: 'Known claims seen',
  claimsNone: 'No known claim seen.',
  claimStatus: { false: 'false', misleading: 'misleading', unverified: 'unverified' } as Record<string, string>,
  claimSeen: (n: string, previous: string, trend: string) => `${n} (previous period: ${previous}), ${trend}`,
  trend: { up: 'rising', down: 'falling', flat: 'steady', new: 'new' },
  emerging: 'Emerging issues',
  emergingLine: (count: string, since: string, baseline: string) => `${count} since ${since}, usually about ${baseline}`,
  emergingNone: 'No emerging issue.',
  topics: 'Topics',
  topicsNone: 'No topic matched in the last 7 days.',
  vsPreviousDay: 'vs previous day',
  vsPreviousPeriod: 'vs previous period',
  average7: '7-day average',
  perDay: 'per day',
  quiet: 'No mentions for',
  byLanguage: 'By language',
  bySource: 'By source',
  last7Days: 'Last 7 days',
  otherSources: (n: number) => `also in ${n} other ${n === 1 ? 'source' : 'sources'}`,
  unsafeLink: 'link not followed',
  story: (posts: string, sources: string) => `${posts} posts in ${sources}`,
  sourcesWord: { one: 'source', other: 'sources' } as Plural,
  /** Mastodon calls a repost a boost. */
  engagement: {
    reposts: { one: 'repost', other: 'reposts' } as Plural,
    boosts: { one: 'boost', other: 'boosts' } as Plural,
    replies: { one: 'reply', other: 'replies' } as Plural,
    likes: { one: 'like', other: 'likes' } as Plural,
    quotes: { one: 'quote', other: 'quotes' } as Plural,
  },
  sources: 'Items by source',
  sourcesNone: 'No items in this period.',
  noChange: 'no change',
  noneBefore: 'none before',
  generated: (when: string) => `Generated ${when} by Veille.`,
  budget: 'Paid API reads this month',
  budgetUse: (used: string, budget: string, pct: string) => `${used} of ${budget} (${pct})`,
  lang: { en: 'English', fr: 'French', und: 'undetermined' } as Record<string, string>,
  duration: { min: 'min', h: 'h', days: { one: 'day', other: 'days' } as Plural },
};

export type Strings = typeof en;

const fr: Strings = {
  locale: 'fr-CA',
  colon: '\u00a0: ',
  heading: 'Synthèse du matin',
  forTeam: (team) => `Pour ${team}`,
  period: (from, to, tz) => `Du ${from} au ${to} (${tz})`,
  subject: (date, items, flagged, failing, dead) =>
    [
      `Veille, synthèse du ${date} : ${items}`,
      flagged ? `${flagged} ${flagged === 1 ? 'signalé' : 'signalés'}` : '',
      failing ? `${failing} ${failing === 1 ? 'source en panne' : 'sources en panne'}` : '',
      dead ? `${dead} ${dead === 1 ? 'alerte non distribuée' : 'alertes non distribuées'}` : '',
    ]
      .filter(Boolean)
      .join(', '),
  items: { one: 'élément', other: 'éléments' },
  overview: (items, change) => `${items} sur la période, ${change}.`,
  blindSpots: 'Angles morts : sources en panne',
  blindSpotsIntro: 'Plus rien n’arrive de ces sources : les mentions qui y paraissent nous échappent.',
  blindSpotsNone: 'Toutes les sources répondent.',
  failingFor: (duration, attempts) => `en panne depuis ${duration}, ${attempts} ${attempts <= 1 ? 'tentative échouée' : 'tentatives échouées'}`,
  lastSuccess: (when) => `dernier succès le ${when}`,
  neverSucceeded: 'jamais atteinte',
  lastError: 'dernière erreur',
  deadAlerts: 'Alertes non distribuées',
  deadAlertsIntro: 'Ces alertes n’ont pas pu être envoyées et ont été abandonnées : leurs destinataires ne les ont jamais reçues.',
  failingSince: (when) => `en échec depuis le ${when}`,
  givenUp: (when, attempts) => `abandonnée le ${when} après ${attempts} ${attempts <= 1 ? 'tentative' : 'tentatives'}`,
  flagged: 'Rumeurs signalées',
  flaggedCount: (n, change) => `Signalés : ${n}, ${change}.`,
  flaggedNone: 'Rien de signalé.',
  why: 'motif',
  claims: 'Allégations connues repérées',
  claimsNone: 'Aucune allégation connue repérée.',
  claimStatus: { false: 'fausse', misleading: 'trompeuse', unverified: 'non vérifiée' },
  claimSeen: (n, previous, trend) => `${n} (période précédente : ${previous}), ${trend}`,
  trend: { up: 'en hausse', down: 'en baisse', flat: 'stable', new: 'nouveau' },
  emerging: 'Sujets émergents',
  emergingLine: (count, since, baseline) => `${count} depuis le ${since}, d’habitude environ ${baseline}`,
  emergingNone: 'Aucun sujet émergent.',
  topics: 'Sujets',
  topicsNone: 'Aucun sujet repéré ces 7 derniers jours.',
  vsPreviousDay: 'par rapport à la veille',
  vsPreviousPeriod: 'par rapport à la période précédente',
  average7: 'moyenne sur 7 jours',
  perDay: 'par jour',
  quiet: 'Aucune mention pour',
  byLanguage: 'Par langue',
  bySource: 'Par source',
  last7Days: '7 derniers jours',
  otherSources: (n) => `aussi dans ${n} ${n <= 1 ? 'autre source' : 'autres sources'}`,
  unsafeLink: 'lien non suivi',
  story: (posts, sources) => `${posts} publications dans ${sources}`,
  sourcesWord: { one: 'source', other: 'sources' },
  engagement: {
    reposts: { one: 'republication', other: 'republications' },
    boosts: { one: 'partage', other: 'partages' },
    replies: { one: 'réponse', other: 'réponses' },
    likes: { one: 'j’aime', other: 'j’aime' },
    quotes: { one: 'citation', other: 'citations' },
  },
  sources: 'Éléments par source',
  sourcesNone: 'Aucun élément sur la période.',
  noChange: 'inchangé',
  noneBefore: 'aucun auparavant',
  generated: (when) => `Produit le ${when} par Veille.`,
  budget: 'Lectures d’API payantes ce mois-ci',
  budgetUse: (used, budget, pct) => `${used} sur ${budget} (${pct})`,
  lang: { en: 'anglais', fr: 'français', und: 'indéterminée' },
  duration: { min: 'min', h: 'h', days: { one: 'jour', other: 'jours' } },
};

const tables: Record<DigestLang, Strings> = { en, fr };

export function strings(lang: DigestLang): Strings {
  return tables[lang];
}

/** Numbers, dates, durations and changes in one language and time zone. */
export class Formatter {
  readonly t: Strings;
  private readonly num: Intl.NumberFormat;
  private readonly signed: Intl.NumberFormat;
  private readonly pct: Intl.NumberFormat;
  private readonly plural: Intl.PluralRules;
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly day: Intl.DateTimeFormat;
  private readonly weekday: Intl.DateTimeFormat;
  private readonly langNames: Intl.DisplayNames;

  constructor(
    readonly lang: DigestLang,
    readonly timezone: string,
  ) {
    this.t = strings(lang);
    const locale = this.t.locale;
    this.num = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    this.signed = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero', maximumFractionDigits: 1 });
    this.pct = new Intl.NumberFormat(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 0 });
    this.plural = new Intl.PluralRules(locale);
    this.dateTime = new Intl.DateTimeFormat(locale, { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
    this.day = new Intl.DateTimeFormat(locale, { timeZone: timezone, dateStyle: 'medium' });
    this.weekday = new Intl.DateTimeFormat(locale, { timeZone: timezone, weekday: 'short' });
    this.langNames = new Intl.DisplayNames([locale], { type: 'language' });
  }

  /** `label: value`, punctuated the way the language does it. */
  labelled(label: string, value: string): string {
    return `${label}${this.t.colon}${value}`;
  }

  number(n: number): string {
    return this.num.format(n);
  }

  /** `3 items`, `1 élément`. */
  count(n: number, word: Plural): string {
    return `${this.num.format(n)} ${word[this.plural.select(n) === 'one' ? 'one' : 'other']}`;
  }

  /** `+3 (+50 %)`, `+2 (none before)`, `no change`: how `now` compares with `before`. */
  change(now: number, before: number): string {
    if (now === before) return this.t.noChange;
    if (before === 0) return `${this.signed.format(now)} (${this.t.noneBefore})`;
    return `${this.signed.format(now - before)} (${this.pct.format((now - before) / before)})`;
  }

  percent(ratio: number): string {
    return this.pct.format(ratio).replace(/^\+/, '');
  }

  dateTimeOf(ms: number): string {
    return this.dateTime.format(ms);
  }

  dayOf(ms: number): string {
    return this.day.format(ms);
  }

  weekdayOf(ms: number): string {
    return this.weekday.format(ms);
  }

  language(code: string): string {
    const known = this.t.lang[code];
    if (known) return known;
    try {
      return this.langNames.of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** A coarse, readable length of time: `45 min`, `5 h`, `3 days`. */
  duration(ms: number): string {
    const minutes = Math.max(1, Math.round(ms / 60_000));
    if (minutes < 60) return `${this.num.format(minutes)} ${this.t.duration.min}`;
    const hours = Math.round(minutes / 60);
    if (hours < 48) return `${this.num.format(hours)} ${this.t.duration.h}`;
    return this.count(Math.floor(hours / 24), this.t.duration.days);
  }
}
