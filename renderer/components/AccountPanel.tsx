import { useState } from 'react';
import type { ForecastView, LimitsView, LimitWindowView, LoginView } from '../../shared/bridge-api.js';
import { whenText } from '../../shared/time-text.js';
import { useAction } from '../use-async.js';
import { CodeText } from './CodeText.js';
import { Section } from './Section.js';

/** The Codex CLI warns from 75 % and again from 90 %: a meter turns yellow above `low` and red above `high`. */
const WARN_PERCENT = 75;
const ALERT_PERCENT = 90;

/** Who is signed in, on which plan, and how much of the usage limits is left; Sign out beside the account. */
export function AccountPanel({ login, limits, forecasts }: { login: LoginView; limits?: LimitsView; forecasts?: readonly ForecastView[] }) {
  const [failure, setFailure] = useState<string>();
  const signOut = useAction(async () => {
    const outcome = await window.bridge.signOut();
    setFailure(outcome.ok ? undefined : outcome.message);
  });
  return (
    <Section
      title="ChatGPT account"
      actions={
        <button type="button" onClick={() => void signOut.run()} disabled={signOut.busy}>
          {signOut.busy ? 'Signing out…' : 'Sign out'}
        </button>
      }
    >
      <p className="login-line">
        Signed in as <strong>{login.email ?? 'an unnamed account'}</strong>
        {login.plan ? <span className="badge">{login.plan}</span> : null}
      </p>
      {login.message ? (
        <p className="muted">
          <CodeText text={login.message} />
        </p>
      ) : null}
      {limits ? <UsageLimits limits={limits} forecasts={forecasts ?? []} /> : null}
      {(signOut.error ?? failure) ? <p className="error-text">{signOut.error ?? failure}</p> : null}
    </Section>
  );
}

function UsageLimits({ limits, forecasts }: { limits: LimitsView; forecasts: readonly ForecastView[] }) {
  return (
    <div aria-label="Usage limits" role="group" className="limits">
      {limits.windows.map((limit) => (
        <LimitBar key={limit.label} limit={limit} />
      ))}
      {forecasts.map((forecast) => (
        <p key={forecast.label} className="muted small forecast">
          {forecast.text.charAt(0).toUpperCase()}
          {forecast.text.slice(1)}.
        </p>
      ))}
      {limits.credits ? <p className="muted small">Balance: {limits.credits}</p> : null}
    </div>
  );
}

/** `[====      ] 5h limit: 42 % used · resets at 14:20 (in 2 h 5 min)`: bar first, so the bars line up. */
function LimitBar({ limit }: { limit: LimitWindowView }) {
  const title = `${limit.label.charAt(0).toUpperCase()}${limit.label.slice(1)} limit`;
  return (
    <p className="limit">
      <meter aria-label={title} min={0} max={100} low={WARN_PERCENT} high={ALERT_PERCENT} optimum={0} value={limit.usedPercent} /> {title}:{' '}
      {Math.floor(limit.usedPercent)} % used
      {limit.resetsAt ? <span className="muted"> · resets at {whenText(Date.parse(limit.resetsAt), Date.now())}</span> : null}
    </p>
  );
}
