// A real MCP server (the official SDK's McpServer over Streamable HTTP) for the gateway to sit in front of.
// Settings: PORT (0: any free port), JSON_RESPONSE (true: answers POSTs with application/json; false: text/event-stream).
// Prints {"port":N} as its first stdout line once it listens on 127.0.0.1:N (endpoint /mcp), and one stderr line
// {"executed":"<tool>"} for each tool call it runs, before it answers, so a test can prove a denied call never got here.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { setting } from './scenario.mjs';

const README_URI = 'file:///docs/readme.txt';
const README_TEXT = "The readme of Caracal's stub MCP server, exactly 64 bytes long.\n";
const port = Number.parseInt(setting('PORT', '0'), 10);
const enableJsonResponse = setting('JSON_RESPONSE', 'false') === 'true';
const sessions = new Map();

function executed(tool, text) {
  process.stderr.write(`${JSON.stringify({ executed: tool })}\n`);
  return { content: [{ type: 'text', text }] };
}

function mcpServer() {
  const server = new McpServer({ name: 'caracal-stub-mcp', version: '1.0.0' });
  server.registerTool('search', { description: 'Searches the documents.', inputSchema: { query: z.string() } },
    ({ query }) => executed('search', `results for ${query}`));
  server.registerTool('translate', { description: 'Translates a text.', inputSchema: { text: z.string(), to: z.string() } },
    ({ text, to }) => executed('translate', `${to}: ${text}`));
  server.registerTool('delete_all', { description: 'Deletes every document.', annotations: { destructiveHint: true } },
    () => executed('delete_all', 'deleted everything'));
  server.registerResource('readme', README_URI, { mimeType: 'text/plain', size: Buffer.byteLength(README_TEXT) },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: README_TEXT }] }));
  return server;
}

function jsonRpcError(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(req, res) {
  if (new URL(req.url, 'http://localhost').pathname !== '/mcp') {
    jsonRpcError(res, 404, 'Not found: the endpoint is /mcp');
    return;
  }
  const parsed = req.method === 'POST' ? await body(req) : undefined;
  const sessionId = req.headers['mcp-session-id'];
  let transport = sessionId === undefined ? undefined : sessions.get(sessionId);
  if (transport === undefined) {
    if (sessionId !== undefined) {
      jsonRpcError(res, 404, 'Session not found');
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(parsed)) {
      jsonRpcError(res, 400, 'Bad Request: no valid session ID provided');
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse,
      onsessioninitialized: (id) => sessions.set(id, transport),
      onsessionclosed: (id) => sessions.delete(id),
    });
    await mcpServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
}

const http = createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`${JSON.stringify({ failed: String(err?.stack ?? err) })}\n`);
    if (!res.headersSent) {
      jsonRpcError(res, 500, 'Internal error');
    }
  });
});
http.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: http.address().port })}\n`);
});
