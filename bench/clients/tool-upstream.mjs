// A tool-calling upstream in three formats (OpenAI chat completions, Anthropic Messages, Gemini
// generateContent), plain and streamed: asks for the weather tool until a tool result is present,
// then answers with text.
import http from 'node:http';
const port = Number(process.argv[2] ?? 18700);
const answer = 'It is 21 degrees in Paris.';
function read(req) { return new Promise(r => { let b = ''; req.on('data', c => b += c); req.on('end', () => r(b ? JSON.parse(b) : {})); }); }
function sse(res, frames, named) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const f of frames) res.write((named && f.type ? `event: ${f.type}\n` : '') + `data: ${JSON.stringify(f)}\n\n`);
  if (!named) res.write('data: [DONE]\n\n');
  res.end();
}
http.createServer(async (req, res) => {
  const body = await read(req);
  const url = req.url;
  if (url.endsWith('/chat/completions')) {
    const done = !(body.tools?.length) || (body.messages ?? []).some(m => m.role === 'tool');
    const usage = { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 };
    if (!body.stream) {
      const message = done ? { role: 'assistant', content: answer }
        : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: body.model,
        choices: [{ index: 0, message, finish_reason: done ? 'stop' : 'tool_calls' }], usage }));
    }
    const c = (delta, finish = null, u = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model,
      choices: u ? [] : [{ index: 0, delta, finish_reason: finish }], ...(u ? { usage: u } : {}) });
    const frames = done ? [c({ role: 'assistant', content: '' }), c({ content: 'It is 21 degrees ' }), c({ content: 'in Paris.' }), c({}, 'stop')]
      : [c({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] }),
         c({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }), c({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }), c({}, 'tool_calls')];
    if (body.stream_options?.include_usage) frames.push(c(null, null, usage));
    return sse(res, frames, false);
  }
  if (url.endsWith('/messages')) {
    const done = !(body.tools?.length) || (body.messages ?? []).some(m => Array.isArray(m.content) && m.content.some(b => b.type === 'tool_result'));
    const content = done ? [{ type: 'text', text: answer }] : [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }];
    const msg = { id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content, stop_reason: done ? 'end_turn' : 'tool_use', stop_sequence: null, usage: { input_tokens: 20, output_tokens: 10 } };
    if (!body.stream) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(msg)); }
    const frames = [{ type: 'message_start', message: { ...msg, content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1 } } }];
    if (done) frames.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: answer } }, { type: 'content_block_stop', index: 0 });
    else frames.push({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city": "Par' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 'is"}' } }, { type: 'content_block_stop', index: 0 });
    frames.push({ type: 'message_delta', delta: { stop_reason: done ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: 10 } }, { type: 'message_stop' });
    return sse(res, frames, true);
  }
  if (url.includes(':generateContent') || url.includes(':streamGenerateContent')) {
    const done = !(body.tools?.length) || (body.contents ?? []).some(c => (c.parts ?? []).some(p => p.functionResponse));
    const parts = done ? [{ text: answer }] : [{ functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnbmF0dXJl' }];
    const out = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 } };
    if (url.includes(':generateContent')) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(out)); }
    return sse(res, [out], true);
  }
  res.writeHead(404); res.end('{}');
}).listen(port, '127.0.0.1', () => console.log('tool mock on', port));
