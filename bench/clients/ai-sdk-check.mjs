// An AI SDK app with the default OpenAI provider (the Responses API), pointed at Tiergate.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { z } from 'zod';

const base = process.env.TIERGATE_URL ?? 'http://127.0.0.1:8080/v1';
const model = process.env.MODEL ?? 'auto';
const openai = createOpenAI({ baseURL: base, apiKey: process.env.KEY ?? 'sk-tiergate-demo' });
const results = [];
async function check(name, fn) {
  try { const detail = await fn(); results.push(['ok', name, detail]); }
  catch (e) { results.push(['FAIL', name, String(e?.message ?? e).slice(0, 300)]); }
}
await check('generateText', async () => {
  const r = await generateText({ model: openai(model), prompt: 'Say hello in five words' });
  if (!r.text) throw new Error('empty text');
  return `${r.text.slice(0, 40)}… usage ${JSON.stringify(r.usage)}`;
});
await check('streamText', async () => {
  const r = streamText({ model: openai(model), prompt: 'Count to five' });
  let text = ''; for await (const d of r.textStream) text += d;
  if (!text) throw new Error('empty stream');
  return `${text.slice(0, 40)}… finish ${await r.finishReason}`;
});
await check('tools (two steps)', async () => {
  const r = await generateText({
    model: openai(model), prompt: 'What is the weather in Paris? Use the tool.',
    tools: { weather: tool({ description: 'weather of a city', inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, celsius: 21 }) }) },
    stopWhen: stepCountIs(3),
  });
  return `steps ${r.steps.length}, tool calls ${r.steps.flatMap(s => s.toolCalls).length}, text ${r.text.slice(0, 40)}`;
});
for (const [status, name, detail] of results) console.log(status.padEnd(5), name.padEnd(20), detail);
process.exit(results.some(r => r[0] !== 'ok') ? 1 : 0);
