/** Ready-to-paste set-ups for common clients. Pure: the window fills in its URLs, token and model. */
import { claudeCodeCommand } from '../shared/claude-code.js';

export interface SnippetInput {
  /** `http://127.0.0.1:7711/v1` */
  localUrl: string;
  /** The tunnel's `…/v1`, while it is online (Cursor needs it: its servers make the calls). */
  publicUrl?: string;
  token: string;
  model: string;
}

export interface Snippet {
  id: string;
  label: string;
  /** What to do with the text. */
  note: string;
  text: string;
}

const withoutV1 = (url: string): string => url.replace(/\/v1$/, '');

export function clientSnippets({ localUrl, publicUrl, token, model }: SnippetInput): Snippet[] {
  return [
    {
      id: 'cursor',
      label: 'Cursor',
      note: 'Cursor Settings → Models (or use Connect Cursor above, which sets all of this):',
      text: [`OpenAI API Key: ${token}`, `Override OpenAI Base URL: ${publicUrl ?? '(turn the public tunnel on: Cursor needs a public URL)'}`, `Model: ${model}`].join('\n'),
    },
    {
      id: 'claude-code',
      label: 'Claude Code',
      note: 'In a terminal (the bridge speaks the Anthropic Messages API too):',
      text: claudeCodeCommand(withoutV1(localUrl), token),
    },
    {
      id: 'aider',
      label: 'Aider',
      note: 'In a terminal:',
      text: `OPENAI_API_BASE=${localUrl} OPENAI_API_KEY=${token} aider --model openai/${model}`,
    },
    {
      id: 'continue',
      label: 'Continue',
      note: 'In ~/.continue/config.yaml:',
      text: ['models:', `  - name: ${model}`, '    provider: openai', `    model: ${model}`, `    apiBase: ${localUrl}`, `    apiKey: ${token}`].join('\n'),
    },
    {
      id: 'openai-js',
      label: 'OpenAI SDK (JS)',
      note: 'Node.js, with the `openai` package:',
      text: [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: '${localUrl}', apiKey: '${token}' });`,
        `const answer = await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'Hello' }] });`,
        'console.log(answer.choices[0].message.content);',
      ].join('\n'),
    },
    {
      id: 'openai-python',
      label: 'OpenAI SDK (Python)',
      note: 'Python, with the `openai` package:',
      text: [
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${localUrl}", api_key="${token}")`,
        `answer = client.chat.completions.create(model="${model}", messages=[{"role": "user", "content": "Hello"}])`,
        'print(answer.choices[0].message.content)',
      ].join('\n'),
    },
  ];
}
