import type { AuthStatus } from '../auth/auth-manager.js';
import type { ResolvedAlias } from '../models/alias-target.js';
import type { CatalogStatus } from '../models/registry.js';

export interface CardInfo {
  version: string;
  baseUrl: string;
  auth: AuthStatus;
  catalog: CatalogStatus;
  aliases: ResolvedAlias[];
  tokenRequired: boolean;
  bridgeToken: string;
  /** Public `…/v1` URL when a tunnel is online. */
  publicUrl?: string;
  /** Printed after the table (tunnel status, warnings). */
  notes?: string[];
}

/** The startup card: where the bridge listens, what each alias maps to, and what to paste into a client. */
export function renderCard(info: CardInfo): string {
  const v1 = `${info.baseUrl}/v1`;
  const lines = [`Codex Cursor Bridge ${info.version} — serving ${v1}`, `  login:   ${loginLine(info.auth)}`, `  catalog: ${catalogLine(info.catalog, info.auth.state === 'ok')}`, ''];
  const width = Math.max(...info.aliases.map((entry) => entry.alias.length));
  const slugWidth = Math.max(...info.aliases.map((entry) => entry.slug.length));
  lines.push(`  ${'alias'.padEnd(width)}   ${'upstream model'.padEnd(slugWidth)}  effort  tier`);
  for (const entry of info.aliases) {
    const tier = entry.serviceTier === 'priority' ? 'priority' : '';
    const note = entry.source === 'override' ? ' (your override)' : entry.note ? ` (${entry.note})` : '';
    lines.push(`  ${entry.alias.padEnd(width)} → ${entry.slug.padEnd(slugWidth)}  ${entry.effort.padEnd(6)}  ${tier}${note}`.trimEnd());
  }
  const apiKey = info.tokenRequired ? info.bridgeToken : 'any non-empty string (e.g. "bridge")';
  lines.push('', 'Point any OpenAI-API client at it:', `  base URL: ${v1}`, `  API key:  ${apiKey}`, `  model:    ${info.aliases[1]?.alias ?? 'bridge-pro-high'}`);
  if (info.publicUrl) {
    lines.push(
      '',
      'Cursor (through the public tunnel):',
      `  1. Cursor Settings → Models → OpenAI API Key: paste ${info.bridgeToken}`,
      `  2. Override OpenAI Base URL: ${info.publicUrl}`,
      `  3. Add the models ${info.aliases.map((entry) => entry.alias).slice(0, 3).join(', ')}, … and pick one (or run \`codex-cursor-bridge configure-cursor\`).`,
    );
  } else {
    lines.push('', 'Cursor needs a public HTTPS URL (its servers make the calls): start with --tunnel.');
  }
  for (const note of info.notes ?? []) lines.push(note);
  return lines.join('\n');
}

function loginLine(auth: AuthStatus): string {
  if (auth.state !== 'ok') return `${auth.state}: ${auth.message ?? ''}`.trim();
  const who = auth.email ? `${auth.email} ` : '';
  const plan = auth.planLabel ? `(ChatGPT ${auth.planLabel})` : '(ChatGPT)';
  const expiry = auth.expiresAt ? `, access token valid until ${auth.expiresAt.toISOString()}` : '';
  return `${who}${plan}${expiry}`;
}

function catalogLine(catalog: CatalogStatus, loggedIn: boolean): string {
  if (catalog.state === 'live') return `live from the backend (${catalog.models} models)`;
  // Without a login the fetch fails for the reason the login line already gives.
  const why = loggedIn ? (catalog.lastError ?? 'unknown') : 'no usable login';
  if (catalog.state === 'cached') return `last good catalog (${catalog.models} models); latest fetch failed: ${why}`;
  return `built-in default table${catalog.lastError ? ` (backend catalog unavailable: ${why})` : ''}`;
}
