/**
 * How to start Claude Code on the bridge, for the CLI card and the window's snippet alike: the base URL without
 * `/v1` (Claude Code appends `/v1/messages` itself); Claude Code's own model names are mapped by the bridge.
 */
export function claudeCodeCommand(baseUrl: string, token: string): string {
  return `ANTHROPIC_BASE_URL=${baseUrl} ANTHROPIC_AUTH_TOKEN=${token} claude`;
}
