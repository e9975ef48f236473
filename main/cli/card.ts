import { claudeCodeLine, whenText, type AppState, type Snapshot } from '../app/index.js';

/** The startup card, derived from the state: where the bridge listens, what each alias maps to, what to paste. */
export function renderCard(state: Snapshot<AppState>, bridgeToken: string, notes: readonly string[] = []): string {
  const v1 = `${state.server.baseUrl ?? ''}/v1`;
  const lines = [
    `Codex Cursor Bridge ${state.version} — serving ${v1}`,
    `  login:   ${loginLine(state.login)}`,
    `  catalog: ${catalogLine(state.catalog, state.login.state === 'ok')}`,
    '',
  ];
  const width = Math.max(...state.aliases.map((entry) => entry.alias.length));
  const slugWidth = Math.max(...state.aliases.map((entry) => entry.slug.length));
  lines.push(`  ${'alias'.padEnd(width)}   ${'upstream model'.padEnd(slugWidth)}  effort  tier`);
  for (const entry of state.aliases) {
    const tier = entry.serviceTier === 'priority' ? 'priority' : '';
    const note = entry.source === 'override' ? ' (your override)' : entry.note ? ` (${entry.note})` : '';
    lines.push(`  ${entry.alias.padEnd(width)} → ${entry.slug.padEnd(slugWidth)}  ${entry.effort.padEnd(6)}  ${tier}${note}`.trimEnd());
  }
  const apiKey = state.server.tokenRequired ? bridgeToken : 'any non-empty string (e.g. "bridge")';
  lines.push('', 'Point any OpenAI-API client at it:', `  base URL: ${v1}`, `  API key:  ${apiKey}`, `  model:    ${state.aliases[1]?.alias ?? 'bridge-pro-high'}`);
  lines.push('', 'Claude Code (the Anthropic Messages API, /v1/messages):', `  ${claudeCodeLine(state, state.server.tokenRequired ? bridgeToken : 'bridge')}`);
  const publicUrl = state.tunnel.state === 'online' ? state.tunnel.url : undefined;
  if (publicUrl) {
    lines.push(
      '',
      'Cursor (through the public tunnel):',
      `  1. Cursor Settings → Models → OpenAI API Key: paste ${bridgeToken}`,
      `  2. Override OpenAI Base URL: ${publicUrl}`,
      `  3. Add the models ${state.aliases.map((entry) => entry.alias).slice(0, 3).join(', ')}, … and pick one (or run \`codex-cursor-bridge configure-cursor\`).`,
    );
  } else if (state.tunnel.state === 'off') {
    lines.push('', 'Cursor needs a public HTTPS URL (its servers make the calls): start with --tunnel.');
  } else {
    // Asked for, but not online (failed, or still connecting): the notes and the tunnel lines say why.
    lines.push('', 'Cursor needs the public tunnel, which is not online yet (see below).');
  }
  for (const note of notes) lines.push(note);
  return lines.join('\n');
}

function loginLine(login: Snapshot<AppState['login']>): string {
  if (login.state !== 'ok') return `${login.state}: ${login.message ?? ''}`.trim();
  const who = login.email ? `${login.email} ` : '';
  const plan = login.plan ? `(ChatGPT ${login.plan})` : '(ChatGPT)';
  const expiry = login.expiresAt ? `, access token valid until ${whenText(Date.parse(login.expiresAt), Date.now())}` : '';
  return `${who}${plan}${expiry}`;
}

function catalogLine(catalog: Snapshot<AppState['catalog']>, loggedIn: boolean): string {
  if (catalog.state === 'live') return `live from the backend (${catalog.models} models)`;
  // Without a login the fetch fails for the reason the login line already gives.
  const why = loggedIn ? (catalog.lastError ?? 'unknown') : 'no usable login';
  if (catalog.state === 'cached') return `last good catalog (${catalog.models} models); latest fetch failed: ${why}`;
  return `built-in default table${catalog.lastError ? ` (backend catalog unavailable: ${why})` : ''}`;
}
