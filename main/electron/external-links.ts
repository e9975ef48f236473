import { parseUrl } from './parse-url.js';

/** The default OpenAI sign-in issuer (the in-app sign-in and auth.json refreshes talk to it). */
const DEFAULT_AUTH_ISSUER = 'https://auth.openai.com';

/** One place the window may send the user's browser: an https origin, and optionally only some paths on it. */
interface AllowedLink {
  origin: string;
  /** Path prefixes; none means any path of the origin. */
  paths?: readonly string[];
}

/** Pages the window links to besides the issuer: the ChatGPT usage/settings pages and the docs the window cites. */
const FIXED_LINKS: readonly AllowedLink[] = [
  { origin: 'https://chatgpt.com', paths: ['/codex/settings/', '/#settings'] },
  { origin: 'https://developers.openai.com', paths: ['/codex/'] },
  { origin: 'https://cursor.com', paths: ['/docs/', '/help/'] },
];

/**
 * Whether `url` may be handed to the OS browser (shell.openExternal). A compromised page could otherwise open any
 * URL scheme the OS knows (file:, smb:, custom app handlers), so only https links to this short list pass.
 * The issuer follows CODEX_BRIDGE_AUTH_ISSUER, as the sign-in does.
 */
export function externalLinkPolicy(env: NodeJS.ProcessEnv): (url: string) => boolean {
  const issuer = originOf(env.CODEX_BRIDGE_AUTH_ISSUER?.trim() || DEFAULT_AUTH_ISSUER);
  const allowed: AllowedLink[] = [...(issuer ? [{ origin: issuer }] : []), ...FIXED_LINKS];
  return (url) => {
    const parsed = parseUrl(url);
    if (parsed?.protocol !== 'https:' || parsed.username || parsed.password) return false;
    const where = `${parsed.pathname}${parsed.hash}`;
    return allowed.some((link) => link.origin === parsed.origin && (!link.paths || link.paths.some((prefix) => where.startsWith(prefix))));
  };
}

/** The origin of a configured issuer, if it is https (the browser is never sent to a plain-http page). */
function originOf(value: string): string | undefined {
  const url = parseUrl(value);
  return url?.protocol === 'https:' ? url.origin : undefined;
}
