/** The logging surface the core uses; pino satisfies it, tests can pass a silent one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
  /** pino's: lets a caller skip building a message nobody will see. */
  isLevelEnabled?(level: string): boolean;
}
