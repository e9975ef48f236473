import { startHarness } from '../test/support/bridge-harness.js';
import { runConcurrently } from './load.js';
import { timeFullRequest } from './sse-reader.js';
const h = await startHarness();
const chat = { url: `${h.bridge.baseUrl}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bridge-fast', stream: false, messages: [{ role: 'user', content: 'x' }] }) };
for (const c of [1, 4, 16, 16, 16]) {
  const before = h.fake.connectionCount;
  await runConcurrently(500, c, () => timeFullRequest(chat));
  console.log('concurrency', c, 'new conns', h.fake.connectionCount - before);
}
await h.close();
process.exit(0);
