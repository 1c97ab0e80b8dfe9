// `npm run test:unit`: share 3 of 3 of the collector's unit test files but the fuzz suites, in one process (see in-one-process.cjs).
require('./in-one-process.cjs').runShareOfTheOthers(2, 3);
