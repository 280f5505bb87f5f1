// One response through the official OpenAI SDK's Responses API.
// Settings: BASE_URL, API_KEY, MODEL, MODE (json|stream), PROMPT (the input), MAX (max_output_tokens; left out when unset).
import OpenAI from 'openai';
import { optionalInt, report, setting, streaming } from './scenario.mjs';

const client = new OpenAI({ baseURL: setting('BASE_URL'), apiKey: setting('API_KEY') });
const stream = streaming();
const request = {
  model: setting('MODEL', 'gpt-4o-mini'),
  input: setting('PROMPT', 'Say hello'),
  max_output_tokens: optionalInt('MAX'),
};

function summary(response) {
  return { id: response.id, model: response.model, status: response.status, usage: response.usage ?? null };
}

await report(async () => {
  if (!stream) {
    const response = await client.responses.create(request);
    return { ...summary(response), content: response.output_text };
  }
  const events = await client.responses.create({ ...request, stream: true });
  let content = '';
  let last = null;
  for await (const event of events) {
    if (event.type === 'response.output_text.delta') {
      content += event.delta;
    }
    if (event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed') {
      last = event;
    }
  }
  if (last === null) {
    throw new Error('the stream ended without response.completed, response.incomplete or response.failed');
  }
  return { ...summary(last.response), content, terminalEvent: last.type };
});
