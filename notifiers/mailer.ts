/** The one SMTP transport every notifier sends through; credentials come from the environment. */
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Config } from '../daemon/config.ts';
import { secretFromEnv } from '../daemon/config.ts';

export interface MailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** A stable id, so a retried message threads as the same one. */
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; cid: string; contentType: string }[];
}

export interface SentInfo {
  messageId: string;
  response: string;
}

export interface Mailer {
  send(msg: MailMessage): Promise<SentInfo>;
  close(): void;
}

const require = createRequire(import.meta.url);

export function createMailer(config: Pick<Config, 'smtp' | 'from'>): Mailer {
  const user = secretFromEnv(config.smtp.user_env);
  const pass = secretFromEnv(config.smtp.pass_env);
  // Every cycle makes a mailer but few send anything: nodemailer (some MB once loaded) and its
  // transport come with the first message.
  let transport: Transporter | undefined;
  const connect = (): Transporter => (require('nodemailer') as typeof import('nodemailer')).createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    // Without TLS configured, do not try STARTTLS on a local relay that offers a broken one.
    ignoreTLS: !config.smtp.secure && !user,
    auth: user ? { user, pass } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(msg) {
      transport ??= connect();
      const info = await transport.sendMail({
        from: config.from,
        to: msg.to,
        // Subjects come from item text: fold any line break so it cannot add a header.
        subject: msg.subject.replace(/[\r\n\u2028\u2029]+/g, ' '),
        html: msg.html,
        text: msg.text,
        messageId: msg.messageId,
        headers: msg.headers,
        attachments: msg.attachments,
      });
      return { messageId: info.messageId, response: info.response ?? '' };
    },
    close() {
      transport?.close();
    },
  };
}
