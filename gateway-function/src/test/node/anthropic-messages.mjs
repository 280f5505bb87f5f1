// One message through the official Anthropic SDK.
// Settings: BASE_URL (the SDK appends /v1/messages), API_KEY, MODEL, MODE (json|stream), PROMPT, MAX (max_tokens, required
// by the API; 1024 when unset).
import Anthropic from '@anthropic-ai/sdk';
import { optionalInt, report, setting, streaming } from './scenario.mjs';

const client = new Anthropic({ baseURL: setting('BASE_URL'), apiKey: setting('API_KEY') });
const stream = streaming();
const request = {
  model: setting('MODEL', 'claude-sonnet-4-5'),
  max_tokens: optionalInt('MAX') ?? 1024,
  messages: [{ role: 'user', content: setting('PROMPT', 'Say hello') }],
};

function text(blocks) {
  return blocks.filter((block) => block.type === 'text').map((block) => block.text).join('');
}

await report(async () => {
  if (!stream) {
    const message = await client.messages.create(request);
    return { id: message.id, model: message.model, content: text(message.content), stop_reason: message.stop_reason, usage: message.usage };
  }
  const events = await client.messages.create({ ...request, stream: true });
  const result = { id: null, model: null, content: '', stop_reason: null, usage: null, startUsage: null, deltaUsage: null, events: [] };
  for await (const event of events) {
    result.events.push(event.type);
    if (event.type === 'message_start') {
      result.id = event.message.id;
      result.model = event.message.model;
      result.startUsage = event.message.usage;
    } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      result.content += event.delta.text;
    } else if (event.type === 'message_delta') {
      result.stop_reason = event.delta.stop_reason;
      result.deltaUsage = event.usage;
    }
  }
  // As the SDK's MessageStream accumulates it: message_delta's counters are whole-message totals that replace
  // message_start's where present.
  const delta = Object.fromEntries(Object.entries(result.deltaUsage ?? {}).filter(([, value]) => value !== null && value !== undefined));
  result.usage = { ...result.startUsage, ...delta };
  return result;
});
