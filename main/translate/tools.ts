/** Tool shapes for the Codex backend: flat function tools, and the responses-lite `additional_tools` item. */
import type { AdditionalToolsItem, ChatFunctionDefinition, FunctionTool, ResponsesTool } from './types.js';

/** Chat's `{function:{…}}` wrapper → the flat Responses shape, with the defaults the Codex CLI always sends. */
export function flatFunctionTool(fn: ChatFunctionDefinition): FunctionTool {
  return {
    type: 'function',
    name: fn.name,
    description: fn.description ?? '',
    strict: fn.strict ?? false,
    parameters: fn.parameters ?? { type: 'object', properties: {} },
  };
}

/**
 * Responses-lite form (captures 01/02): plain tools live in a `functions` namespace inside one
 * `additional_tools` item; namespaces the client already grouped stay siblings of it.
 */
export function additionalToolsItem(tools: ResponsesTool[]): AdditionalToolsItem {
  const grouped = tools.filter((tool) => tool.type !== 'namespace');
  const namespaces = tools.filter((tool) => tool.type === 'namespace');
  const functions: ResponsesTool[] =
    grouped.length > 0 ? [{ type: 'namespace', name: 'functions', description: '', tools: grouped }] : [];
  return { type: 'additional_tools', role: 'developer', tools: [...functions, ...namespaces] };
}
