/** Starting and stopping the fake HTTP servers the same way: loopback only, nothing left open. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (a free port unless one is named) and returns the port. */
export async function listenLocal(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection still open on it (a hung client must not hold a test). */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A fake API on loopback: subclasses answer requests, this starts and stops the server. */
export abstract class LocalApi {
  protected server: Server | undefined;
  protected base = '';

  get url(): string {
    return this.base;
  }

  /** Listens on a free port, or on `port` (the demo's config names fixed ones). */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.base = `http://127.0.0.1:${await listenLocal(this.server, port)}`;
    return this.base;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;
}
