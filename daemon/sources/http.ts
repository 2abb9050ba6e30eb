/**
 * Fetches a document over HTTP the way a polite feed reader must: conditional GET, a deadline that
 * really aborts the socket, a byte cap, redirects followed, and the charset honoured (header, then
 * XML declaration). rss-parser's own fetcher does none of the first four, so it only gets the text.
 */
import { SourceError } from './types.ts';

export interface HttpRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export type HttpResult =
  | { status: 304 }
  | { status: 200; text: string; etag: string | null; lastModified: string | null; url: string };

const USER_AGENT = 'Veille/0.1 (media monitoring; +https://example.org/veille)';

export async function fetchDocument(req: HttpRequest): Promise<HttpResult> {
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    ...req.headers,
  };
  if (req.etag) headers['if-none-match'] = req.etag;
  if (req.lastModified) headers['if-modified-since'] = req.lastModified;

  let res: Response;
  try {
    res = await fetch(req.url, { headers, signal, redirect: 'follow' });
  } catch (err) {
    throw new SourceError(describeFailure(err, deadline, req.timeoutMs));
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { status: 304 };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new SourceError(`HTTP ${res.status} ${res.statusText}`.trim(), retryAfter(res.headers.get('retry-after')));
  }
  const declared = Number(res.headers.get('content-length'));
  if (declared > req.maxBytes) {
    await res.body?.cancel();
    throw new SourceError(`response is ${declared} bytes, over the ${req.maxBytes}-byte cap`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(res, req.maxBytes);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(describeFailure(err, deadline, req.timeoutMs));
  }
  return {
    status: 200,
    text: decode(bytes, res.headers.get('content-type')),
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
    url: res.url,
  };
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new SourceError(`response exceeds the ${maxBytes}-byte cap`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeFailure(err: unknown, deadline: AbortSignal, timeoutMs: number): string {
  if (deadline.aborted) return `timed out after ${timeoutMs} ms`;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'AbortError') return 'aborted';
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Date.now() + seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Charset from the Content-Type header, else the XML declaration, else UTF-8 (with BOM sniffing). */
export function decode(bytes: Uint8Array, contentType: string | null): string {
  let charset = /charset=["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (!charset) {
    const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
    charset = /<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(head)?.[1];
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) charset = 'utf-8';
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown label: publishers mislabel, and UTF-8 is the likeliest truth.
    return new TextDecoder('utf-8').decode(bytes);
  }
}
