import { invalidRequest } from '../../errors/api-error.js';
import type { ModelTarget } from '../../models/model-target.js';
import type { RequestContext } from '../context.js';
import { conversationKey } from '../conversation-key.js';

export interface RoutedRequest {
  body: Record<string, unknown>;
  /** The bridge-* alias the client asked for. */
  alias: string;
  target: ModelTarget;
  /** Stable per conversation: the upstream prompt_cache_key and session id. */
  promptCacheKey: string;
}

/**
 * What every model endpoint starts with: a JSON object body, a known alias, the conversation's cache key.
 * `aliasFor` maps a front-end's own model names onto aliases first (the Messages API's Claude names).
 */
export async function readRoutedRequest(ctx: RequestContext, aliasFor: (model: string) => string = (model) => model): Promise<RoutedRequest> {
  const body = requireObject(await ctx.readJson());
  const alias = aliasFor(requireModel(body));
  ctx.log.model = alias;
  const target = await ctx.services.models.resolve(alias);
  ctx.log.upstreamModel = target.slug;
  return { body, alias, target, promptCacheKey: conversationKey(ctx.req.headers, body, alias) };
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function requireModel(body: Record<string, unknown>): string {
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw invalidRequest('`model` is required: use one of the bridge-* aliases listed by GET /v1/models.', 'model', 'missing_model');
  }
  return body.model.trim();
}
