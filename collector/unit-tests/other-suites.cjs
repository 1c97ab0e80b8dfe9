// `npm run test:unit`: every collector unit test file but the fuzz suites, in one process (see in-one-process.cjs).
require('./in-one-process.cjs').runTheOthers();
