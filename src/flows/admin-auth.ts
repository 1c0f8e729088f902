/**
 * The editor login: Node-RED's `adminAuth` from NODE_RED_USER + NODE_RED_PASSWORD. The password may
 * be given as a bcrypt hash (`node-red admin hash-pw`) or as plain text, hashed here at start.
 */
import { bcryptHash } from './node-red-deps';

export interface AdminAuth {
  type: 'credentials';
  users: Array<{ username: string; password: string; permissions: '*' }>;
}

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/**
 * Node-RED's adminAuth for one full-rights user; undefined (an open editor) without credentials.
 * @example
 * settings.adminAuth = adminAuth('admin', process.env.NODE_RED_PASSWORD);
 */
export function adminAuth(user: string | undefined, password: string | undefined): AdminAuth | undefined {
  if (!user || !password) return undefined;
  return { type: 'credentials', users: [{ username: user, password: BCRYPT.test(password) ? password : bcryptHash(password), permissions: '*' }] };
}
