// A minimal OpenAI-compatible upstream for load tests: JSON and SSE chat completions.
// node bench/mock-upstream.mjs --port 18090   (MOCK_DELAY_MS delays each stream frame)
import http from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 18090);
const delay = Number(process.env.MOCK_DELAY_MS || 0);
const words = 'Paris is the capital and largest city of France, on the Seine.'.split(' ');

function completion(model) {
  return JSON.stringify({
    id: 'chatcmpl-mock', object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: words.join(' ') }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 },
  });
}

function frames(model) {
  const chunk = (delta, finish) => 'data: ' + JSON.stringify({
    id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1700000000, model,
    choices: [{ index: 0, delta, finish_reason: finish }] }) + '\n\n';
  const out = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < 8; i++) out.push(chunk({ content: (i ? ' ' : '') + words[i] }, null));
  out.push(chunk({}, 'stop'));
  out.push('data: [DONE]\n\n');
  return out;
}

http.createServer((req, res) => {
  if (req.url === '/health') { res.end('{"mock":true}'); return; }
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    let parsed = {};
    try { parsed = JSON.parse(body || '{}'); } catch { /* answer anyway */ }
    const model = parsed.model || 'mock';
    if (!parsed.stream) {
      const b = completion(model);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
      res.end(b);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const f = frames(model);
    if (!delay) { res.end(f.join('')); return; }
    let i = 0;
    const next = () => { res.write(f[i++]); if (i < f.length) setTimeout(next, delay); else res.end(); };
    next();
  });
}).listen(port, '127.0.0.1', () => console.error(`mock upstream on http://127.0.0.1:${port}/v1`));
