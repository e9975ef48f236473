export const MAIN_USAGE = `codex-cursor-bridge — use your ChatGPT subscription from any OpenAI-API client

Usage:
  codex-cursor-bridge [serve] [flags]         start the bridge (default)
  codex-cursor-bridge login [--device] [--no-browser]
                                              sign in with ChatGPT (saved where the Codex CLI keeps its login)
  codex-cursor-bridge logout                  revoke the login and remove it from auth.json
  codex-cursor-bridge doctor                  check the prerequisites; exit 0 only when all pass
  codex-cursor-bridge token [--rotate]        print (or replace) the bridge's bearer token
  codex-cursor-bridge usage [--days N] [--json]
                                              requests, tokens and usage limits recorded in the history
  codex-cursor-bridge configure-cursor [--base-url URL] [--dry-run] [--undo]
                                              point Cursor's settings at the bridge
  codex-cursor-bridge help [command]          this overview, or one command's flags

Settings (port, tunnel, overrides…) are in settings.json in CODEX_BRIDGE_HOME; the desktop app edits them too.`;

export const SERVE_USAGE = `Usage: codex-cursor-bridge serve [flags]

Flags:
  -p, --port N           listen port (default 7711, env CODEX_BRIDGE_PORT)
      --host ADDR        listen address (default 127.0.0.1, env CODEX_BRIDGE_HOST)
  -a, --auth-path FILE   Codex auth.json (default $CODEX_HOME/auth.json or ~/.codex/auth.json, env CODEX_AUTH_PATH)
      --tunnel           expose the bridge through a public tunnel for Cursor (requires the bridge token)
      --no-tunnel        do not start the tunnel even if the settings enable it
      --setup            check prerequisites and print them before serving (default)
      --no-setup         skip the prerequisite checks
      --require-token    require "Authorization: Bearer <bridge token>" on /v1/* even on localhost
  -h, --help             this help
  -v, --version          print the version

Environment: CODEX_BRIDGE_UPSTREAM, CODEX_BRIDGE_AUTH_ISSUER, CODEX_REFRESH_TOKEN_URL_OVERRIDE, CODEX_BRIDGE_HOME,
CODEX_CLIENT_VERSION, CODEX_ORIGINATOR, CODEX_CLIENT_ID, CODEX_BRIDGE_DEBUG=1 (see the README).`;
