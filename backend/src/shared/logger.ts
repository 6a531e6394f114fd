import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs; secrets are redacted wherever they might appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
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
  });
}
