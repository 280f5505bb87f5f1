// Writes the Kubernetes JSON schemas that HelmChartTest validates the chart's manifests against, one standalone
// file per kind, named as kubeconform names them ({kind}-{group}-{version}.json), into
// ../src/test/resources/kubernetes-schemas. Run by hand when a kind is added (npm install && npm run generate);
// the output is committed, so the build needs neither Node.js nor a download.
//
// Source: the JSON schemas that the npm packages kubernetes-models 4.1.0 (the Kubernetes 1.24 API, generated
// from the Kubernetes OpenAPI spec) and @kubernetes-models/prometheus-operator 4.0.0 (generated from the
// prometheus-operator CRDs) carry as plain objects. Later versions of kubernetes-models ship compiled
// validators instead of schemas. The conversion to draft-07:
//   - "$ref": "io.k8s...Foo#"            -> "#/definitions/io.k8s...Foo"
//   - "nullable": true                   -> "null" added to the type
//   - strict, as kubeconform -strict: an object schema with properties and no additionalProperties gets
//     "additionalProperties": false, so a misspelt field fails instead of being ignored
//   - format "quantity" and "byte"       -> the pattern @kubernetes-models/validate checks them with
//   - descriptions and other formats are dropped (the files stay small; the formats are OpenAPI's int32 etc.)
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

const registered = new Map();
const fake = { register: (id, schema) => { if (!registered.has(id)) registered.set(id, schema); }, validate: () => {} };
const validatePath = require.resolve('@kubernetes-models/validate');
require.cache[validatePath] = Object.assign(new Module(validatePath), { loaded: true, exports: fake, filename: validatePath });

// kind, apiVersion, schema id, module that registers it
const KINDS = [
  ['ConfigMap', 'v1', 'io.k8s.api.core.v1.ConfigMap', 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap'],
  ['Service', 'v1', 'io.k8s.api.core.v1.Service', 'kubernetes-models/_schemas/IoK8sApiCoreV1Service'],
  ['ServiceAccount', 'v1', 'io.k8s.api.core.v1.ServiceAccount', 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount'],
  ['Deployment', 'apps/v1', 'io.k8s.api.apps.v1.Deployment', 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment'],
  ['StatefulSet', 'apps/v1', 'io.k8s.api.apps.v1.StatefulSet', 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet'],
  ['Job', 'batch/v1', 'io.k8s.api.batch.v1.Job', 'kubernetes-models/_schemas/IoK8sApiBatchV1Job'],
  ['HorizontalPodAutoscaler', 'autoscaling/v2', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', 'kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler'],
  ['PodDisruptionBudget', 'policy/v1', 'io.k8s.api.policy.v1.PodDisruptionBudget', 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget'],
  ['NetworkPolicy', 'networking.k8s.io/v1', 'io.k8s.api.networking.v1.NetworkPolicy', 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy'],
];

const QUANTITY = '^[+-]?(?:\\d+|\\d+\\.\\d+|\\d+\\.|\\.\\d+)(?:[KMGTPE]i|(?:[YZEPTGMkhdcmunpfazy]|da)|[eE][+-]?(?:\\d+|\\d+\\.\\d+|\\d+\\.|\\.\\d+))?$';
const BASE64 = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

function refId(ref) {
  if (!ref.endsWith('#')) throw new Error('unexpected $ref ' + ref);
  return ref.slice(0, -1);
}

function convert(node, refs) {
  if (Array.isArray(node)) return node.map(n => convert(n, refs));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || key === 'nullable' || key.startsWith('x-')) continue;
    if (key === 'format') {
      if (value === 'quantity') out.pattern = QUANTITY;
      else if (value === 'byte') out.pattern = BASE64;
      continue;
    }
    if (key === '$ref') {
      const id = refId(value);
      refs.add(id);
      out.$ref = '#/definitions/' + id;
      continue;
    }
    // keys under "properties" are field names, not keywords
    if (key === 'properties') {
      out.properties = {};
      for (const [name, sub] of Object.entries(value)) out.properties[name] = convert(sub, refs);
      continue;
    }
    out[key] = convert(value, refs);
  }
  if (node.nullable === true && out.type !== undefined) {
    out.type = Array.isArray(out.type) ? [...new Set([...out.type, 'null'])] : [out.type, 'null'];
  }
  const isObject = out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')) || out.properties !== undefined;
  if (isObject && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function collect(rootId, out) {
  const queue = [rootId];
  while (queue.length) {
    const id = queue.shift();
    if (out[id]) continue;
    const schema = registered.get(id);
    if (!schema) throw new Error('no schema registered for ' + id);
    const refs = new Set();
    out[id] = convert(schema, refs);
    for (const r of refs) if (!out[r]) queue.push(r);
  }
}

function fileName(kind, apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const shortGroup = group.split('.')[0];
  return [kind.toLowerCase(), shortGroup, version].filter(Boolean).join('-') + '.json';
}

function write(dir, kind, apiVersion, rootId) {
  const definitions = {};
  collect(rootId, definitions);
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map(k => [k, definitions[k]]));
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `${kind} ${apiVersion}: generated by infra-tests/kubernetes-schemas/generate.cjs from ${SOURCE}; strict (no unknown fields)`,
    $ref: '#/definitions/' + rootId,
    definitions: sorted,
  };
  fs.writeFileSync(path.join(dir, fileName(kind, apiVersion)), JSON.stringify(doc, null, 1) + '\n');
  return fileName(kind, apiVersion);
}

const SOURCE = 'npm kubernetes-models 4.1.0 (Kubernetes 1.24 API) and @kubernetes-models/prometheus-operator 4.0.0';
const outDir = path.join(__dirname, '..', 'src', 'test', 'resources', 'kubernetes-schemas');
fs.mkdirSync(outDir, { recursive: true });
const written = [];
for (const [kind, apiVersion, id, mod] of KINDS) {
  require(path.join(__dirname, 'node_modules', mod + '.js')).addSchema();
  written.push(write(outDir, kind, apiVersion, id));
}
// The ServiceMonitor model registers its schema when an instance is validated.
const { ServiceMonitor } = require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor');
new ServiceMonitor({ metadata: { name: 'x' }, spec: { selector: {}, endpoints: [] } }).validate();
written.push(write(outDir, 'ServiceMonitor', 'monitoring.coreos.com/v1', 'monitoring.coreos.com.v1.ServiceMonitor'));
// As is the PrometheusRule model's (the chart's alert rules, monitoring.prometheusRule.enabled).
const { PrometheusRule } = require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule');
new PrometheusRule({ metadata: { name: 'x' }, spec: { groups: [] } }).validate();
written.push(write(outDir, 'PrometheusRule', 'monitoring.coreos.com/v1', 'monitoring.coreos.com.v1.PrometheusRule'));
console.log('wrote ' + written.join(', ') + ' to ' + path.relative(process.cwd(), outDir));
