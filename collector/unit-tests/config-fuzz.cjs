// `npm run test:unit`: the config loader fuzz suite in a process of its own (see in-one-process.cjs).
require('./in-one-process.cjs').runAlone('src/config/config.fuzz.test.ts');
