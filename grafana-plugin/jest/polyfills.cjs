// jsdom lacks these; react-dom/server (pulled in by @grafana/ui) needs them at import time.
const { TextDecoder, TextEncoder } = require('node:util');
Object.assign(globalThis, { TextDecoder, TextEncoder });
