import { ConfigError, loadConfig, type Config } from "../config/config";
import { createLogger, type Logger } from "./logger";

/**
 * Runs one process type: configuration validated first (a bad one exits with status 2 and every
 * problem listed), then `start`; SIGTERM or SIGINT stop taking work and close within the
 * configured timeout; an unhandled error is logged with its stack and exits with status 1.
 */
export function runProcess(name: string, start: (config: Config, log: Logger) => Promise<{ close(): Promise<void>; done?: Promise<void> }>) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${name}: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL, name);
  // an error nothing handled: log it whole (the only trace an operator gets), then exit and let the
  // supervisor restart the process; the outbox and the indexer's checkpoint make that safe
  const fatal = (kind: string) => (e: unknown) => {
    log.fatal({ err: e instanceof Error ? { message: e.message, stack: e.stack, code: (e as { code?: unknown }).code } : String(e) }, `${kind}; exiting`);
    process.exit(1);
  };
  process.on("uncaughtException", fatal("uncaught exception"));
  process.on("unhandledRejection", fatal("unhandled promise rejection"));
  start(config, log).then(
    (running) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, "stopping");
        const force = setTimeout(() => {
          log.error("shutdown timed out; exiting");
          process.exit(1);
        }, config.SHUTDOWN_TIMEOUT_MS + 2000);
        force.unref();
        running.close().then(
          () => process.exit(0),
          (e: Error) => {
            log.error({ err: e.message }, "error while stopping");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
      running.done?.catch((e: Error) => {
        log.fatal({ err: e.message }, `${name} halted`);
        process.exit(3);
      });
    },
    (e: Error) => {
      log.fatal({ err: e.message }, `${name} could not start`);
      process.exit(1);
    },
  );
}
