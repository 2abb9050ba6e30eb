/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives, parsed, for tests of anything that
 * mails. It can also misbehave the ways a relay does: refuse mail (5xx final, 4xx temporary),
 * drop the connection, or not be there at all.
 */
import { createServer, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  /** Envelope sender and recipients, as given to MAIL FROM and RCPT TO. */
  from: string | null;
  to: string[];
  /** The message as received, RFC 822 source. */
  raw: string;
  mail: ParsedMail;
}

export interface Refusal {
  /** SMTP reply code, e.g. 550 (final) or 451 (try again later). */
  code: number;
  message?: string;
  /** Refuse only this many messages, then accept again; unlimited when absent. */
  times?: number;
}

export interface SmtpCatcherOptions {
  refuse?: Refusal;
  /** Close the connection at connect, or after receiving a message's data without replying. */
  drop?: 'connect' | 'data';
  /** Reserve a port with nothing listening on it: connections are refused. */
  down?: boolean;
  /** Listen on this port instead of a free one, e.g. to come back where a down server was. */
  port?: number;
  /** Take a message's data and never reply, like a relay stuck after DATA. */
  hold?: boolean;
}

export class SmtpCatcher {
  readonly messages: CaughtMessage[] = [];
  /** Every message transaction that reached the end of DATA, accepted or not. */
  attempts = 0;
  port = 0;
  refuse: Refusal | undefined;
  drop: 'connect' | 'data' | undefined;
  hold: boolean;
  private readonly down: boolean;
  private readonly fixedPort: number | undefined;
  private server: SMTPServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(opts: SmtpCatcherOptions = {}) {
    this.refuse = opts.refuse;
    this.drop = opts.drop;
    this.down = opts.down ?? false;
    this.fixedPort = opts.port;
    this.hold = opts.hold ?? false;
  }

  /** The transport settings a mailer needs to reach this server. */
  get smtp(): { host: string; port: number; secure: false } {
    return { host: '127.0.0.1', port: this.port, secure: false };
  }

  async start(): Promise<number> {
    if (this.down) {
      this.port = await freePort();
      return this.port;
    }
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.attempts++;
          if (this.drop === 'data') {
            for (const s of this.sockets) s.destroy();
            return;
          }
          if (this.hold) return;
          const refusal = this.refuse;
          if (refusal) {
            if (refusal.times !== undefined && --refusal.times <= 0) this.refuse = undefined;
            callback(Object.assign(new Error(refusal.message ?? 'refused by test server'), { responseCode: refusal.code }));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (mail) => {
              this.messages.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((r) => r.address),
                raw: raw.toString('utf8'),
                mail,
              });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      if (this.drop === 'connect') socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.fixedPort ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
