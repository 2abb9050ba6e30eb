/**
 * A local HTTP server for feeds, on 127.0.0.1: serves files from folders with ETag and
 * Last-Modified (and 304 on a matching conditional request), plus scripted misbehaviour for tests:
 * redirects, errors, slow and endless responses, oversize bodies.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './listen.ts';
import { extname, join } from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Doc {
  body: Buffer | string;
  contentType?: string;
}

const TYPES: Record<string, string> = {
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
};

export class FeedServer {
  private server: Server;
  private routes = new Map<string, Handler>();
  private docs = new Map<string, Doc>();
  /** Requests received, for assertions on conditional headers. */
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(port = 0): Promise<this> {
    this.port = await listenLocal(this.server, port);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path.startsWith('/') ? path : '/' + path}`;
  }

  /** Serves every feed file of a folder under `/<prefix><file name>`. */
  serveDir(dir: string, prefix = '/'): string[] {
    const names = readdirSync(dir).filter((f) => TYPES[extname(f)]);
    for (const name of names) this.doc(prefix + name, { body: readFileSync(join(dir, name)), contentType: TYPES[extname(name)] });
    return names;
  }

  /** A document served with validators; replacing it changes its ETag. */
  doc(path: string, doc: Doc): void {
    this.docs.set(path, doc);
  }

  route(path: string, handler: Handler): void {
    this.routes.set(path, handler);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ path, headers: req.headers });
    const route = this.routes.get(path);
    if (route) return route(req, res);
    const doc = this.docs.get(path);
    if (!doc) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = Buffer.isBuffer(doc.body) ? doc.body : Buffer.from(doc.body);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = 'Sun, 22 Nov 2026 12:00:00 GMT';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': doc.contentType ?? 'application/xml', etag, 'last-modified': lastModified, 'content-length': body.length });
    res.end(body);
  }
}

/** Misbehaviours real servers show. */
export const behaviours = {
  redirect(to: string, status = 301): Handler {
    return (_req, res) => res.writeHead(status, { location: to }).end();
  },
  status(code: number, headers: Record<string, string> = {}): Handler {
    return (_req, res) => res.writeHead(code, { 'content-type': 'text/plain', ...headers }).end(`error ${code}`);
  },
  /** Sends headers and then nothing, holding the socket open until the server stops. */
  hang(): Handler {
    return (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
    };
  },
  /** Streams `bytes` of valid-looking XML without a content-length. */
  huge(bytes: number): Handler {
    return (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>');
      const chunk = '<item><title>filler</title><description>' + 'x'.repeat(8000) + '</description></item>';
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end('</channel></rss>');
      };
      pump();
    };
  },
  text(body: string, contentType = 'text/html'): Handler {
    return (_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body);
  },
};
