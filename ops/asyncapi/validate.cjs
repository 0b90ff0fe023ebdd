// Validates an AsyncAPI document with the AsyncAPI project's own parser (@asyncapi/parser) and its
// Avro schema parser, so the Avro payloads are checked too. Usage: node validate.cjs FILE (or - for stdin).
// Prints one JSON object {valid, version, channels, operations, messages, errors, warnings};
// exit 0 when valid, 1 when the parser reports errors, 2 when the input cannot be read.
'use strict';
const fs = require('node:fs');
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');

const AVRO = /^application\/vnd\.apache\.avro/;

// @asyncapi/parser 3.x checks Avro payloads of AsyncAPI 2.x documents only: for 3.0 it converts them
// without validating. So every Avro payload (and Kafka key) of the document goes through the
// Avro schema parser's own validate() here, exactly as the parser does for 2.x.
async function avroErrors(raw) {
  const avro = AvroSchemaParser();
  const out = [];
  const messages = [];
  for (const [id, m] of Object.entries((raw.components || {}).messages || {})) messages.push([`components/messages/${id}`, m]);
  for (const [cid, c] of Object.entries(raw.channels || {})) {
    for (const [id, m] of Object.entries(c.messages || {})) if (!m.$ref) messages.push([`channels/${cid}/messages/${id}`, m]);
  }
  for (const [path, m] of messages) {
    const payload = m.payload || {};
    if (!payload.schema || !AVRO.test(payload.schemaFormat || '')) continue;
    const checks = [[`${path}/payload/schema`, payload.schema]];
    const key = ((m.bindings || {}).kafka || {}).key;
    if (key && !key.$ref) checks.push([`${path}/bindings/kafka/key`, key]);
    for (const [where, data] of checks) {
      for (const problem of await avro.validate({ data, path: where.split('/') })) {
        out.push({ code: 'avro-schema', message: problem.message, path: where });
      }
    }
  }
  return out;
}

function describe(d) {
  return { code: String(d.code), message: d.message, path: (d.path || []).join('/') };
}

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node validate.cjs FILE (or - for stdin)');
    return 2;
  }
  let text;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    console.error(`cannot read ${file}: ${err.message}`);
    return 2;
  }
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document, diagnostics } = await parser.parse(text);
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map(describe);
  let raw = null;
  try { raw = JSON.parse(text); } catch (_) { /* YAML: the parser's own diagnostics only */ }
  if (raw && typeof raw === 'object') errors.push(...await avroErrors(raw));
  const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning);
  const valid = document !== undefined && errors.length === 0;
  console.log(JSON.stringify({
    valid,
    version: document ? document.version() : null,
    channels: document ? document.channels().all().map((c) => c.address()) : [],
    operations: document ? document.operations().all().length : 0,
    messages: document ? document.messages().all().length : 0,
    errors,
    warnings: warnings.map(describe),
  }));
  return valid ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 2; });
