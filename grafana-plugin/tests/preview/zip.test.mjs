// The plugin archive: our ZIP writer read back with an independent reader (local headers, sizes,
// CRC-32, deflate), and the built archive holds one folder named after the plugin id, as Grafana's
// plugins folder expects.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32, inflateRawSync } from 'node:zlib';

import { zip } from '../../scripts/zip.mjs';
import { pluginRoot } from '../browser/harness.mjs';

function readZip(buffer) {
  const entries = [];
  let offset = 0;
  while (buffer.readUInt32LE(offset) === 0x04034b50) {
    const method = buffer.readUInt16LE(offset + 8);
    const crc = buffer.readUInt32LE(offset + 14);
    const compressedSize = buffer.readUInt32LE(offset + 18);
    const size = buffer.readUInt32LE(offset + 22);
    const nameLength = buffer.readUInt16LE(offset + 26);
    const extraLength = buffer.readUInt16LE(offset + 28);
    const name = buffer.toString('utf8', offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extraLength;
    const raw = buffer.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    assert.equal(data.length, size, `${name}: size`);
    assert.equal(crc32(data), crc, `${name}: CRC-32`);
    entries.push({ name, data });
    offset = start + compressedSize;
  }
  assert.equal(buffer.readUInt32LE(offset), 0x02014b50, 'central directory follows the entries');
  const end = buffer.length - 22;
  assert.equal(buffer.readUInt32LE(end), 0x06054b50, 'end of central directory record');
  assert.equal(buffer.readUInt16LE(end + 10), entries.length, 'entry count');
  return entries;
}

describe('zip', () => {
  it('round-trips files, including empty and UTF-8 names', () => {
    const files = [
      { name: 'p/module.js', data: Buffer.from('define([],function(){return {}})'.repeat(50)) },
      { name: 'p/empty.txt', data: Buffer.alloc(0) },
      { name: 'p/img/ünïcode.svg', data: Buffer.from('<svg/>') },
    ];
    const back = readZip(zip(files));
    assert.deepEqual(
      back.map((e) => e.name),
      files.map((f) => f.name),
    );
    back.forEach((e, i) => assert.ok(e.data.equals(files[i].data)));
  });

  const artifacts = join(pluginRoot, 'artifacts');
  const built = existsSync(artifacts) ? readdirSync(artifacts).filter((f) => f.endsWith('.zip')) : [];
  it(
    'the built archive unpacks to rebound-recovery-panel/ with module.js, plugin.json and the LICENSE',
    { skip: built.length ? false : 'run npm run build first' },
    () => {
      const entries = readZip(readFileSync(join(artifacts, built[0])));
      const names = entries.map((e) => e.name);
      assert.ok(
        names.every((n) => n.startsWith('rebound-recovery-panel/')),
        names.join(', '),
      );
      for (const needed of ['module.js', 'plugin.json', 'README.md', 'LICENSE', 'img/logo.svg']) {
        assert.ok(names.includes(`rebound-recovery-panel/${needed}`), `missing ${needed}`);
      }
      const pluginJson = JSON.parse(entries.find((e) => e.name.endsWith('/plugin.json')).data.toString());
      assert.equal(pluginJson.id, 'rebound-recovery-panel');
      assert.match(pluginJson.info.version, /^\d+\.\d+\.\d+$/);
      const license = entries.find((e) => e.name === 'rebound-recovery-panel/LICENSE').data.toString();
      assert.match(license, /Apache License\s+Version 2\.0/);
    },
  );
});
