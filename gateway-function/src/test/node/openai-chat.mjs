// One chat completion through the official OpenAI SDK, as an agent would make it.
// Settings: BASE_URL, API_KEY, MODEL, MODE (json|stream), PROMPT, MAX (max_completion_tokens; left out when unset),
// INCLUDE_USAGE (stream only: true sends stream_options.include_usage).
import OpenAI from 'openai';
import { optionalInt, report, setting, streaming } from './scenario.mjs';

const client = new OpenAI({ baseURL: setting('BASE_URL'), apiKey: setting('API_KEY') });
const stream = streaming();
const request = {
  model: setting('MODEL', 'gpt-4o-mini'),
  messages: [{ role: 'user', content: setting('PROMPT', 'Say hello') }],
  max_completion_tokens: optionalInt('MAX'),
};
if (stream && setting('INCLUDE_USAGE', 'false') === 'true') {
  request.stream_options = { include_usage: true };
}

await report(async () => {
  if (!stream) {
    const completion = await client.chat.completions.create(request);
    return {
      id: completion.id,
      model: completion.model,
      content: completion.choices[0].message.content,
      finish_reason: completion.choices[0].finish_reason,
      usage: completion.usage ?? null,
    };
  }
  const chunks = await client.chat.completions.create({ ...request, stream: true });
  const result = { id: null, model: null, content: '', finish_reason: null, usage: null, chunks: 0, emptyChoicesChunk: false };
  for await (const chunk of chunks) {
    result.id = chunk.id;
    result.model = chunk.model;
    result.chunks += 1;
    if (chunk.choices.length === 0) {
      result.emptyChoicesChunk = true;
    }
    for (const choice of chunk.choices) {
      result.content += choice.delta.content ?? '';
      result.finish_reason = choice.finish_reason ?? result.finish_reason;
    }
    result.usage = chunk.usage ?? result.usage;
  }
  return result;
});
