/** What one request is routed to: produced by main/models, consumed by the translators. */
export interface ModelTarget {
  /** The bridge alias the client asked for, e.g. 'bridge-pro-high'; shown back to the client as `model`. */
  alias: string;
  /** Upstream model slug, e.g. 'gpt-6.2-astra'. */
  slug: string;
  /** Reasoning effort used when the client does not send one. */
  effort: string;
  /** Set for the -fast aliases. */
  serviceTier?: 'priority';
  /** Catalog `use_responses_lite`: developer-item instructions and an `additional_tools` item instead of top-level fields. */
  lite: boolean;
  supportsParallelToolCalls: boolean;
  /** The slug's supported reasoning levels. */
  efforts: string[];
  /** e.g. ['text', 'image']. */
  inputModalities: string[];
}

/** Wire efforts from shallowest to deepest (spec §7); used to find the nearest supported one. */
export const EFFORT_ORDER = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', 'ultra'];

/**
 * `wanted` if the model supports it (or advertises no efforts), else the deepest supported effort below it,
 * else the shallowest one above it.
 */
export function clampEffort(wanted: string, supported: readonly string[]): string {
  if (supported.length === 0 || supported.includes(wanted)) return wanted;
  const rank = EFFORT_ORDER.indexOf(wanted);
  const ranked = supported.filter((effort) => EFFORT_ORDER.includes(effort));
  const below = ranked.filter((effort) => EFFORT_ORDER.indexOf(effort) < rank);
  const above = ranked.filter((effort) => EFFORT_ORDER.indexOf(effort) > rank);
  return below.at(-1) ?? above[0] ?? supported[0] ?? wanted;
}
