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
