import type { ServerResponse } from 'node:http';
import { sendJson } from '../http-io.js';

export interface AliasListing {
  alias: string;
  slug: string;
  effort: string;
  serviceTier?: string;
  description?: string;
}

/** GET /v1/models in the OpenAI list shape, with the resolved upstream mapping as extra fields. */
export function sendModelList(res: ServerResponse, aliases: AliasListing[], created: number): void {
  sendJson(res, 200, {
    object: 'list',
    data: aliases.map((entry) => ({
      id: entry.alias,
      object: 'model',
      created,
      owned_by: 'codex-cursor-bridge',
      upstream_model: entry.slug,
      reasoning_effort: entry.effort,
      service_tier: entry.serviceTier ?? 'default',
      ...(entry.description ? { description: entry.description } : {}),
    })),
  });
}
