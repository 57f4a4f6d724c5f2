// The logging calls shared code makes: the product's pino logger (pino-logger.ts) satisfies it, so adapters and core need neither pino nor bot/.
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds these fields to every line (e.g. `{ surface: 'slack' }`). */
  child(bindings: Record<string, unknown>): Logger;
}
