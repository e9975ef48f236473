import type { LimitsView, LimitWindowView, LoginView } from '../../shared/bridge-api.js';
import { dateTime } from '../format.js';
import { CodeText } from './CodeText.js';
import { Section } from './Section.js';

/** What to do when the core's message does not already say it. */
const REFRESH_FIX = 'Run `codex login` again.';

/** The Codex CLI warns from 75 % and again from 90 %: a meter turns yellow above `low` and red above `high`. */
const WARN_PERCENT = 75;
const ALERT_PERCENT = 90;

export function LoginPanel({ login, limits }: { login: LoginView; limits?: LimitsView }) {
  return (
    <Section title="ChatGPT login">
      {login.state === 'ok' ? (
        <p className="login-line login-ok">
          Signed in as <strong>{login.email ?? 'an unnamed account'}</strong>
          {login.plan ? <span className="badge">{login.plan}</span> : null}
          {login.expiresAt ? <span className="muted">· token valid until {dateTime(login.expiresAt)}</span> : null}
        </p>
      ) : (
        <p className="login-line login-problem">
          <strong>{login.state === 'refresh-failed' ? 'The login needs renewing.' : 'Not signed in with ChatGPT.'}</strong>{' '}
          <CodeText text={login.message ?? ''} />
          {login.state === 'refresh-failed' ? (
            <>
              {' '}
              <CodeText text={REFRESH_FIX} />
            </>
          ) : null}
        </p>
      )}
      {login.state === 'ok' && login.message ? (
        <p className="muted">
          <CodeText text={login.message} />
        </p>
      ) : null}
      {limits ? <UsageLimits limits={limits} /> : null}
      <p className="muted small">
        Login file: <code>{login.authPath}</code>
      </p>
    </Section>
  );
}

function UsageLimits({ limits }: { limits: LimitsView }) {
  return (
    <div aria-label="Usage limits" role="group">
      {limits.windows.map((limit) => (
        <LimitBar key={limit.label} limit={limit} />
      ))}
      {limits.limitReached ? (
        <p className="error-text">Usage limit reached: requests fail until it resets, or buy credits at https://chatgpt.com/codex/settings/usage.</p>
      ) : null}
      {limits.credits ? <p className="muted small">Balance: {limits.credits}</p> : null}
    </div>
  );
}

/** `[====      ] 5h limit: 42 % used · resets Mon 12 Jan, 14:03`: bar first, so the bars line up. */
function LimitBar({ limit }: { limit: LimitWindowView }) {
  const title = `${limit.label.charAt(0).toUpperCase()}${limit.label.slice(1)} limit`;
  return (
    <p>
      <meter aria-label={title} min={0} max={100} low={WARN_PERCENT} high={ALERT_PERCENT} optimum={0} value={limit.usedPercent} /> {title}:{' '}
      {Math.floor(limit.usedPercent)} % used
      {limit.resetsAt ? <span className="muted"> · resets {dateTime(limit.resetsAt)}</span> : null}
    </p>
  );
}
