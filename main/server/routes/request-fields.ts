import { invalidRequest } from '../../errors/api-error.js';

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function requireModel(body: Record<string, unknown>): string {
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw invalidRequest('`model` is required: use one of the bridge-* aliases listed by GET /v1/models.', 'model', 'missing_model');
  }
  return body.model.trim();
}
