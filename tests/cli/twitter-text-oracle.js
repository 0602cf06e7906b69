// The official counter, for tests/cli/textlen-twitter.t: each input line is
// a text in hex (UTF-8); print twitter-text 3.1.0's weightedLength and
// valid for it.  Run with NODE_PATH at .deps/twitter-text/node_modules.
'use strict';
const tt = require('twitter-text');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
const out = [];
for (const hex of lines) {
  if (hex === '') continue;
  const r = tt.parseTweet(Buffer.from(hex, 'hex').toString('utf8'));
  out.push(r.weightedLength + ' ' + (r.valid ? 1 : 0));
}
process.stdout.write(out.join('\n') + '\n');
