import { describe, expect, it } from 'vitest';
import { canonicalise, contentHash, htmlToText, normalise } from '../daemon/pipeline/normalise.ts';

describe('canonical URLs', () => {
  it('drops tracking parameters, fragments and host case, and keeps meaningful parameters', () => {
    expect(canonicalise('https://News.Example.org/a/b/?utm_source=x&id=7&fbclid=1#comments')).toBe('https://news.example.org/a/b?id=7');
    // The scheme stays: digests link to the canonical address, and some sites serve only http.
    expect(canonicalise('http://news.example.org/a/b?id=7')).toBe('http://news.example.org/a/b?id=7');
  });

  it('gives one address for a link whose parameters come in another order', () => {
    const a = canonicalise('https://news.example.org/story?page=2&id=7&Lang=fr&utm_medium=rss');
    expect(a).toBe('https://news.example.org/story?Lang=fr&id=7&page=2');
    expect(canonicalise('https://news.example.org/story?id=7&page=2&utm_source=x&Lang=fr')).toBe(a);
  });

  it('unwraps the redirect links Google Alerts puts around every result', () => {
    const wrapped = 'https://www.google.com/url?rct=j&sa=t&url=https://ottawa.example.ca/story%3Futm_medium%3Drss&ct=ga&cd=1&usg=X';
    expect(canonicalise(wrapped)).toBe('https://ottawa.example.ca/story');
  });

  it('refuses links that are not web pages', () => {
    expect(canonicalise('javascript:alert(1)')).toBeNull();
    expect(canonicalise('not a url')).toBeNull();
  });
});

describe('HTML to text', () => {
  it('keeps visible text, decodes entities and drops scripts', () => {
    expect(htmlToText('<p>Route&nbsp;fermée &amp; détour</p><script>alert(1)</script><p>Suite</p>')).toBe('Route fermée & détour Suite');
  });

  it('separates block elements so words do not run together', () => {
    expect(htmlToText('<li>one</li><li>two</li>two<br>three')).toBe('one two two three');
  });

  it('drops bidi overrides and control characters that would make a post display as something else', () => {
    const item = normalise({ externalId: 'x', title: 'invoice \u202Egnp.exe\u202C', text: 'line\u0007 one\u2066 two' });
    expect(item.title).toBe('invoice gnp.exe');
    expect(item.text).toBe('line one two');
  });

  it('caps a hostile body so it cannot flood the matchers or the emails', () => {
    const item = normalise({ externalId: 'x', html: '<p>' + 'word '.repeat(100_000) + '</p>' });
    expect(item.text.length).toBeLessThanOrEqual(20_000);
  });
});

describe('content hash', () => {
  it('is blind to case, accents, punctuation and spacing but not to wording', () => {
    expect(contentHash('Sûreté: route FERMÉE!', '')).toBe(contentHash('surete route fermee', ''));
    expect(contentHash('route fermée', '')).not.toBe(contentHash('route ouverte', ''));
  });
});
