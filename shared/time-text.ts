/**
 * The one way the bridge writes a moment for people: local time, the day only when it is not today, and how far
 * away it is — `14:20 (in 2 h 5 min)`, `09:05 on 4 Dec (in 1 day 3 h)`. The CLI's card, `doctor`, the notifications,
 * the 429 usage-limit error and the window all use it, so no screen mixes ISO UTC, or two styles, with local time.
 * It lives in shared/ because the window (which may not import main/) writes times too. Pure: no Node built-ins.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `15:42` today, `22:49 on 27 Nov` on another day (the Codex CLI's /status style), in the local time zone. */
export function clockTime(at: number, now: number): string {
  const date = new Date(at);
  const clock = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  return date.toDateString() === new Date(now).toDateString() ? clock : `${clock} on ${date.getDate()} ${MONTHS[date.getMonth()]}`;
}

/** `45 s`, `12 min`, `2 h 5 min`, `3 days 4 h`. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

/** `14:20 (in 2 h 5 min)` ahead, `14:20 (12 min ago)` past. */
export function whenText(at: number, now: number): string {
  const distance = durationText(Math.abs(at - now));
  return `${clockTime(at, now)} (${at >= now ? `in ${distance}` : `${distance} ago`})`;
}
