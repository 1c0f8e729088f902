/** The logger the sources take: a pino Logger fits; the default says nothing. */
export interface SourceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const noLog: SourceLog = { info: () => {}, warn: () => {} };

/**
 * A URL's credentials (`user:password@`) taken out: the URL to connect to or show, and the credentials
 * as a Basic authorization (the fetch API refuses a URL that carries them; logs must not show them).
 * @example splitCredentials('http://bob:pw@host/x') // { url: 'http://host/x', authorization: 'Basic Ym9iOnB3' }
 */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  try {
    const u = new URL(raw);
    if (!u.username && !u.password) return { url: raw };
    const authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
    return { url: u.href, authorization };
  } catch {
    return { url: raw };
  }
}
