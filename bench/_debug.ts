import { startHarness } from '../test/support/bridge-harness.js';
import { readStream } from './sse-reader.js';
const h = await startHarness();
const chat = { url: `${h.bridge.baseUrl}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'x' }] }) };
for (let k = 0; k < 3; k++) {
  h.fake.enqueue({ kind: 'paced', deltas: 20, intervalMs: 20 });
  const t = await readStream(chat, 'chat');
  console.log('bridge', t.deltas.map((d, i) => (d - (i ? t.deltas[i - 1]! : t.start)).toFixed(1)).join(' '));
}
const before = h.fake.connectionCount;
for (let i = 0; i < 50; i++) await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'x' }] });
console.log('seq conns', h.fake.connectionCount - before);
await h.close();
process.exit(0);
