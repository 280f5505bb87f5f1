// An MCP session through the official SDK's client over Streamable HTTP.
// Settings: MCP_URL, API_KEY (sent as Authorization: Bearer), CALLS (a JSON array of {"name": ..., "arguments": {...}},
// called in order; [] when unset), RESOURCE (a URI to read after the calls; none when unset).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describeError, report, setting } from './scenario.mjs';

const transport = new StreamableHTTPClientTransport(new URL(setting('MCP_URL')), {
  requestInit: { headers: { Authorization: `Bearer ${setting('API_KEY')}` } },
});
const calls = JSON.parse(setting('CALLS', '[]'));
const resource = setting('RESOURCE', '');
const client = new Client({ name: 'caracal-test-client', version: '1.0.0' });

/** A failed call is reported beside the others (a gateway may deny one call of several), with the JSON-RPC code. */
function failure(err) {
  return { ...describeError(err), data: err?.data ?? null };
}

await report(async () => {
  await client.connect(transport);
  const result = { sessionId: transport.sessionId ?? null, tools: [], calls: [] };
  result.tools = (await client.listTools()).tools.map((tool) => tool.name);
  for (const call of calls) {
    try {
      const answer = await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
      result.calls.push({ name: call.name, content: answer.content, isError: answer.isError ?? false });
    } catch (err) {
      result.calls.push({ name: call.name, error: failure(err) });
    }
  }
  if (resource !== '') {
    try {
      result.resource = (await client.readResource({ uri: resource })).contents;
    } catch (err) {
      result.resource = { error: failure(err) };
    }
  }
  await client.close();
  return result;
});
