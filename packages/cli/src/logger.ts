import pino, { type Logger } from 'pino';

/** Structured JSON logs; pretty and readable when a person watches a terminal. */
export function createLogger(level: string, name: string): Logger {
  const pretty = process.stdout.isTTY && !process.env.COMPTOIR_LOG_JSON;
  return pino({
    name,
    level,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
