import pino from 'pino';

/** Structured logs go to stderr so that commands like `classify` keep stdout for their output. */
export const log = pino(
  { level: process.env.VEILLE_LOG_LEVEL ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
  pino.destination({ fd: 2, sync: true }),
);

export type Logger = typeof log;
