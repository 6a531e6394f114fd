import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs; secrets are redacted wherever they might appear. `sync` writes each line
 * to stdout before returning: a process's own logger, so that the line saying why it exits is out
 * before `process.exit` (a buffered line may be cut off by the exit).
 */
export function createLogger(level: string, name: string, o: { sync?: boolean } = {}): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: [
          "req.headers.authorization",
          'req.headers["x-api-key"]',
          "*.privateKey",
          "*.apiKey",
          "*.secret",
          "*.password",
        ],
        censor: "[redacted]",
      },
    },
    ...(o.sync ? [pino.destination({ dest: 1, sync: true })] : []),
  );
}

/** An error as a log field: its message, stack and code (whatever was thrown). */
export function errorFields(e: unknown): { message: string; stack?: string; code?: unknown } | string {
  if (e instanceof Error) return { message: e.message, stack: e.stack, ...((e as { code?: unknown }).code !== undefined ? { code: (e as { code?: unknown }).code } : {}) };
  return String(e);
}
