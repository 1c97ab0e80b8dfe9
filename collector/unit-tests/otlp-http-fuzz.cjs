// `npm run test:unit`: the OTLP/HTTP receiver fuzz suite in a process of its own (see in-one-process.cjs).
require('./in-one-process.cjs').runAlone('src/receivers/otlp/otlp-http.fuzz.test.ts');
