/**
 * Hostile content: two hundred posts full of markup, script, `javascript:` links, header-injection
 * newlines, bidi overrides, zero-width tricks and megabyte bodies go through normalise → store, then
 * out as alert mails (over SMTP, as recipients get them) and digests. Nothing comes out as live
 * markup or as a header, and the matchers still find the rule terms written to evade them.
 */
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../daemon/config.ts';
import type { Logger } from '../daemon/log.ts';
import { ingest, type NewItemHook } from '../daemon/pipeline/ingest.ts';
import { alertQueue } from '../notifiers/alerts/group.ts';
import { deliverDueAlerts } from '../notifiers/alerts/send.ts';
import { buildDigest } from '../notifiers/digest/build.ts';
import { renderDigest } from '../notifiers/digest/render.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { loadClassifier } from '../rules/classifier.ts';
import type { Classification, Classifier } from '../rules/types.ts';
import { openDb, type Db } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { EVASIONS, HEADER_INJECTIONS, hostileTexts, prng, type HostileText } from './fakes/hostile.ts';
import { SmtpCatcher, type CaughtMessage } from './fakes/smtp.ts';
import { reportFigures } from './fixtures/faults/figures.ts';
import { fixtures, memoryLog } from './helpers/workspace.ts';

const SEED = 7_000_001;
const TEXTS = 200;
const ROUNDS = 10;
const TERMS = ['police', 'reservoir', 'evacuation', 'fluoride', 'curfew'];
const HOUR = 3_600_000;
const DUTY = 'duty@example.org';

const texts = hostileTexts(SEED, TEXTS, TERMS);
const loaded = loadClassifier({ rules: `${fixtures}/faults/rules`, claims: `${fixtures}/faults/claims.yaml`, languages: ['en', 'fr'] });
if (!loaded.ok) throw new Error(`fixture rules do not load: ${JSON.stringify(loaded.errors)}`);
const real = loaded.classifier;
const config = configSchema.parse({ from: 'veille@example.org', alerts: { to: [DUTY] } });
const log = memoryLog() as unknown as Logger;

let db: Db;
let catcher: SmtpCatcher;
const verdicts = new Map<string, Classification>();
const ids = new Map<string, number>();
/** Broken invariants, per text: a text counts once however many of its checks fail. */
const failed = new Set<string>();
const base = Date.now() - 2 * ROUNDS * HOUR;
const roundStart = (r: number) => base + r * HOUR;

/**
 * The real classifier's verdict, kept for the evasion checks, with every item flagged so that each
 * hostile text reaches an alert and the digest's flagged list, reasons included.
 */
const flaggingAll: Classifier = {
  classify(input) {
    const v = real.classify(input);
    return { ...v, flagged: true, reasons: [...v.reasons, `under test: ${input.title.slice(0, 120)}`] };
  },
};

beforeAll(async () => {
  db = openDb(':memory:');
  catcher = new SmtpCatcher();
  await catcher.start();
  const alerts = alertQueue(db, config);
  const hook: NewItemHook = (_tx, stored) => {
    verdicts.set(stored.item.externalId, stored.verdict);
    ids.set(stored.item.externalId, stored.id);
    // One alert per text, so each one is rendered and mailed on its own.
    alerts.queue({ kind: 'rule', key: stored.item.externalId, itemId: stored.id, severity: 'high', reasons: stored.verdict.reasons, at: stored.at });
  };
  const deps = { db, store: itemStore(db), classifier: flaggingAll, hooks: [hook] };
  const per = TEXTS / ROUNDS;
  for (let r = 0; r < ROUNDS; r++) {
    const raws = texts.slice(r * per, (r + 1) * per).map((t, k) => ({
      externalId: `t${r * per + k}`,
      title: t.title,
      html: t.html,
      url: t.url,
      author: t.author,
      langHint: 'en',
    }));
    ingest(deps, 'hostile-feed', raws, roundStart(r) + 60_000);
  }
  const mailer = createMailer({ ...config, smtp: catcher.smtp });
  try {
    await deliverDueAlerts(db, mailer, config, { log });
  } finally {
    mailer.close();
  }
}, 120_000);

afterAll(async () => {
  await catcher?.stop();
  db?.$client.close();
  reportFigures('content', { texts: TEXTS, failures: failed.size });
});

/** Tags the alert and digest templates write; anything else came from content. */
const TEMPLATE_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'table', 'tr', 'td', 'th', 'p', 'br', 'span', 'strong', 'em', 'div', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'a']);
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/** Parses HTML the way a lenient mail client does and lists anything live that content could have put there. */
function inspect(html: string): { problems: string[] } {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!TEMPLATE_TAGS.has(name)) problems.push(`<${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (/^on/i.test(attr)) problems.push(`${name}[${attr}]`);
          if (['src', 'action', 'formaction', 'srcdoc', 'background', 'http-equiv'].includes(attr)) problems.push(`${name}[${attr}]`);
          if (attr === 'href' && !/^https?:\/\//i.test(value.trim())) problems.push(`href=${JSON.stringify(value.slice(0, 60))}`);
          if (/javascript:|vbscript:|data:text/i.test(value.replace(/[\s\u0000-\u001f]/g, ''))) problems.push(`${name}[${attr}]=${JSON.stringify(value.slice(0, 60))}`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { problems };
}

/** The header block of a received message, unfolded, as (lower-case name, value) pairs. */
function headers(raw: string): [string, string][] {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return head.split(/\r?\n/).map((line) => {
    const i = line.indexOf(':');
    return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()];
  });
}

/** Each text has its own alert, whose subject ends with the rule key: the text's id. */
function messageFor(textId: string): CaughtMessage | undefined {
  return catcher.messages.find((m) => m.mail.subject?.endsWith(`: ${textId}`));
}

describe('hostile texts reaching alert mails', () => {
  it('stores every hostile text, bounded, and mails one alert for each', () => {
    expect(ids.size).toBe(TEXTS);
    const longest = db.$client.prepare('select max(length(title)) as title, max(length(text)) as text from items').get() as { title: number; text: number };
    expect(longest.title).toBeLessThanOrEqual(1_000);
    expect(longest.text).toBeLessThanOrEqual(20_000);
    expect(catcher.messages).toHaveLength(TEXTS);
  });

  it('delivers each alert to its recipients only, with no header added by content', () => {
    const expected = new Set(['from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding', 'in-reply-to', 'references']);
    texts.forEach((_, i) => {
      const id = `t${i}`;
      const msg = messageFor(id);
      const names = msg ? headers(msg.raw).map(([n]) => n) : [];
      const bad =
        !msg ||
        msg.to.join() !== DUTY ||
        names.some((n) => !expected.has(n)) ||
        names.filter((n) => n === 'subject').length !== 1 ||
        /[\r\n]/.test(msg.mail.subject ?? '') ||
        msg.mail.bcc !== undefined ||
        msg.mail.cc !== undefined;
      if (bad) failed.add(id);
    });
    expect([...failed].filter((id) => !messageFor(id))).toEqual([]);
    expect([...failed]).toEqual([]);
  });

  it('renders every alert inert: no script, handler, foreign tag or unsafe link', () => {
    const problems: string[] = [];
    texts.forEach((t, i) => {
      const msg = messageFor(`t${i}`);
      const html = typeof msg?.mail.html === 'string' ? msg.mail.html : '';
      const found = inspect(html).problems;
      if (found.length || !html) {
        failed.add(`t${i}`);
        problems.push(`t${i} (${t.kind}): ${[...new Set(found)].join(', ') || 'no HTML part'}`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('carries no bidi override that could reverse what staff read (gnp.exe shown as exe.png)', () => {
    const leaking = texts.map((_, i) => `t${i}`).filter((id) => {
      const msg = messageFor(id);
      const bad = BIDI_CONTROLS.test(msg?.mail.subject ?? '') || BIDI_CONTROLS.test(msg?.mail.text ?? '') || BIDI_CONTROLS.test(typeof msg?.mail.html === 'string' ? msg.mail.html : '');
      if (bad) failed.add(id);
      return bad;
    });
    expect(leaking).toEqual([]);
  });
});

describe('hostile texts reaching the digest', () => {
  it('lists every hostile text in a digest rendered inert, in English and in French', () => {
    const problems: string[] = [];
    const per = TEXTS / ROUNDS;
    for (let r = 0; r < ROUNDS; r++) {
      const data = buildDigest(db, {
        since: roundStart(r),
        until: roundStart(r) + HOUR,
        timezone: 'America/Toronto',
        labels: new Map(loaded.rules.map((rule) => [rule.id, rule.label])),
        topItems: per,
      });
      const listed = new Set(data.flagged.items.map((item) => item.id));
      for (let k = 0; k < per; k++) {
        const id = `t${r * per + k}`;
        if (!listed.has(ids.get(id)!)) {
          failed.add(id);
          problems.push(`${id} not in the digest`);
        }
      }
      for (const lang of ['en', 'fr'] as const) {
        const digest = renderDigest(data, lang, { team: `Comms${HEADER_INJECTIONS[r % HEADER_INJECTIONS.length]}<script>x</script>` });
        const found = [...inspect(digest.html).problems, ...(BIDI_CONTROLS.test(digest.html + digest.text) ? ['bidi control character'] : [])];
        if (/[\r\n]/.test(digest.subject)) found.push('line break in subject');
        if (found.length) {
          for (let k = 0; k < per; k++) failed.add(`t${r * per + k}`);
          problems.push(`round ${r} ${lang}: ${[...new Set(found)].join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('header injection through the mailer', () => {
  it('folds every injected line break in a subject into the one Subject header', async () => {
    const mailer = createMailer({ ...config, smtp: catcher.smtp });
    const before = catcher.messages.length;
    try {
      for (const inject of HEADER_INJECTIONS) {
        await mailer.send({ to: [DUTY], subject: `Council meeting${inject}`, text: 'body', html: '<p>body</p>' });
      }
    } finally {
      mailer.close();
    }
    const got = catcher.messages.slice(before);
    expect(got).toHaveLength(HEADER_INJECTIONS.length);
    for (const m of got) {
      expect(m.to).toEqual([DUTY]);
      expect(headers(m.raw).filter(([n]) => ['bcc', 'cc', 'subject'].includes(n)).map(([n]) => n)).toEqual(['subject']);
      expect(m.mail.subject).toMatch(/^Council meeting/);
      expect(m.mail.subject).not.toMatch(/[\r\n]/);
    }
  });
});

describe('matchers against evasive spellings', () => {
  const evasive = texts.map((t, i) => ({ t, id: `t${i}` })).filter((x): x is { t: HostileText & { term: string }; id: string } => x.t.term !== undefined);

  it('still finds the rule term in every text built around one, whatever the trick', () => {
    const missed: string[] = [];
    for (const { t, id } of evasive) {
      const topics = verdicts.get(id)?.topics.map((h) => h.ruleId) ?? [];
      if (!topics.includes(t.term)) {
        failed.add(id);
        missed.push(`${id}: ${t.evasion} ${JSON.stringify(t.html.slice(0, 200))}`);
      }
    }
    expect(evasive.length).toBeGreaterThanOrEqual(TEXTS / 2);
    expect(new Set(evasive.map((x) => x.t.evasion))).toEqual(new Set(Object.keys(EVASIONS)));
    expect(missed).toEqual([]);
  });

  it('still recognises a known claim whose key words are written evasively', () => {
    const rng = prng(SEED);
    const missed: string[] = [];
    for (const [name, evade] of Object.entries(EVASIONS)) {
      const text = `Share this: the city is putting ${evade('fluoride', rng)} pills in the Riverside ${evade('reservoir', rng)} to sedate residents!`;
      const v = real.classify({ title: '', text, source: 'x', langHint: 'en' });
      if (v.claim?.id !== 'F1') missed.push(`${name}: ${JSON.stringify(text)}`);
    }
    expect(missed).toEqual([]);
  });
});
