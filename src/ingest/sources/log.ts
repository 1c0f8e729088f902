/** The logger the sources take: a pino Logger fits; the default says nothing. */
export interface SourceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const noLog: SourceLog = { info: () => {}, warn: () => {} };
