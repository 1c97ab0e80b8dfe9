// `npm run test:unit`: the collector's fuzz suites in one process (see in-one-process.cjs).
const { isFuzzSuite, runInThisProcess } = require('./in-one-process.cjs');

runInThisProcess(isFuzzSuite);
