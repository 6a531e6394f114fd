import { ConfigError, loadConfig, type Config } from "../config/config";
import { createLogger, errorFields, type Logger } from "./logger";
import { PreflightError } from "./preflight";

type Started = { close(): Promise<void>; done?: Promise<void> };

/**
 * Runs one process type: configuration validated first (a bad one exits with status 2 and every
 * problem listed), then `start`; SIGTERM or SIGINT stop taking work and close within the
 * configured timeout. Every exit logs its cause first, on a logger that writes synchronously so the
 * line is out before the process is: an error nothing handled (uncaught exception, unhandled
 * rejection) at fatal with its stack and status 1, a failed start at fatal (1; a start refused by
 * the preflight, PostgreSQL or Redis unreachable or the port taken, as one line saying what, where
 * and how to fix it, without a stack), a halt at fatal (3), a stop at info (0); an exit none of
 * these announced is logged by the `exit` hook.
 */
export function runProcess(name: string, start: (config: Config, log: Logger) => Promise<Started>) {
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
  const log = createLogger(config.LOG_LEVEL, name, { sync: true });
  let announced = false;
  const exit = (code: number, level: "info" | "error" | "fatal", fields: Record<string, unknown>, msg: string): never => {
    announced = true;
    log[level]({ ...fields, exitCode: code }, msg);
    process.exit(code);
  };
  // the last word: something exited without saying why (a library's process.exit, an empty event loop)
  process.on("exit", (code) => {
    if (!announced) log[code === 0 ? "error" : "fatal"]({ exitCode: code }, "exiting without a recorded cause");
  });
  // an error nothing handled: log it whole (the only trace an operator gets), then exit and let the
  // supervisor restart the process; the outbox and the indexer's checkpoint make that safe
  process.on("uncaughtException", (e) => exit(1, "fatal", { err: errorFields(e) }, "uncaught exception; exiting"));
  process.on("unhandledRejection", (e) => exit(1, "fatal", { err: errorFields(e) }, "unhandled promise rejection; exiting"));

  let running: Started | null = null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // still starting (waiting for the ledger, say): nothing taken on yet, nothing to hand back
    if (!running) exit(0, "info", { signal }, "stopped before it had started");
    log.info({ signal }, "stopping");
    const force = setTimeout(() => exit(1, "error", { signal }, "shutdown timed out; exiting"), config.SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    running!.close().then(
      () => exit(0, "info", { signal }, "stopped"),
      (e: unknown) => exit(1, "error", { err: errorFields(e) }, "error while stopping; exiting"),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  start(config, log).then(
    (started) => {
      running = started;
      started.done?.catch((e: unknown) => exit(3, "fatal", { err: errorFields(e) }, `${name} halted`));
    },
    (e: unknown) =>
      e instanceof PreflightError
        ? exit(1, "fatal", { unavailable: e.problems.map(({ service, where, variable }) => ({ service, where, variable })) }, `${name} cannot start: ${e.message}`)
        : exit(1, "fatal", { err: errorFields(e) }, `${name} could not start`),
  );
}
