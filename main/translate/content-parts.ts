/**
 * Content-part readers shared by the Chat Completions and the Responses validators, so both APIs hold a text,
 * refusal or image part to the same rules the Codex backend applies.
 */
import { invalidRequest } from '../errors/api-error.js';
import { isString, optional, requireObject, requireString } from './fields.js';
import { describeValue, type JsonObject } from './json.js';
import type { InputImagePart, RefusalPart } from './types.js';

/** One reader per accepted part `type`; the keys double as the "supported here" list of the error. */
export type PartReaders<T> = Record<string, (record: JsonObject, param: string) => T>;

/** Reads every part of `parts` (already known to be an array) with the reader its `type` selects. */
export function readParts<T>(parts: unknown[], param: string, readers: PartReaders<T>): T[] {
  return parts.map((part, j) => {
    const partParam = `${param}[${j}]`;
    const record = requireObject(part, partParam);
    const read = typeof record.type === 'string' && Object.hasOwn(readers, record.type) ? readers[record.type] : undefined;
    if (!read) {
      throw invalidRequest(
        `Unsupported content part type ${describeValue(record.type)} in '${partParam}'. ` +
          `Supported here: ${Object.keys(readers).join(', ')}.`,
        `${partParam}.type`,
      );
    }
    return read(record, partParam);
  });
}

/** The `text` of a text part (Chat `text`, Responses `input_text` / `output_text`). */
export function readText(record: JsonObject, param: string): string {
  return requireString(record.text, `${param}.text`);
}

/** `{type:'refusal', refusal}`: the same shape in both APIs. */
export function readRefusalPart(record: JsonObject, param: string): RefusalPart {
  return { type: 'refusal', refusal: requireString(record.refusal, `${param}.refusal`) };
}

/** Responses `{type:'input_image', image_url: string, detail?}`. */
export function readInputImagePart(record: JsonObject, param: string): InputImagePart {
  const url = checkImageUrl(requireString(record.image_url, `${param}.image_url`), `${param}.image_url`);
  const detail = optional(record.detail, `${param}.detail`, isString, 'a string');
  return detail === undefined ? { type: 'input_image', image_url: url } : { type: 'input_image', image_url: url, detail };
}

/** The backend takes base64 image data URLs and http(s) URLs only; anything else fails upstream, so fail here. */
export function checkImageUrl(url: string, param: string): string {
  if (/^data:image\/[\w.+-]+;base64,[A-Za-z0-9+/=_-]+$/.test(url) || (/^https?:\/\//i.test(url) && URL.canParse(url))) return url;
  throw invalidRequest(
    `Invalid image URL in '${param}': expected an http(s) URL or a base64 data URL with an image MIME type ` +
      `(data:image/png;base64,…).`,
    param,
    'invalid_image_url',
  );
}
