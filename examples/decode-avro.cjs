// Decodes one Avro body (the bytes after the 10-byte single-object header) with its writer schema,
// in Node.js with avsc: proof that nothing about the hub's messages needs Python.
//   node examples/decode-avro.cjs writer.avsc body.avro     (npm install avsc, or NODE_PATH=ops/asyncapi/node_modules)
// Prints the record as JSON (longs as numbers; timestamp-millis as epoch milliseconds).
'use strict';
const fs = require('node:fs');
const avro = require('avsc');

const [schemaFile, bodyFile] = process.argv.slice(2);
if (!schemaFile || !bodyFile) {
  console.error('usage: node decode-avro.cjs WRITER_SCHEMA.avsc BODY.avro');
  process.exit(2);
}
const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const record = type.fromBuffer(fs.readFileSync(bodyFile)); // throws on trailing or missing bytes
console.log(JSON.stringify(record));
