import { parseDotenv } from '../../server/src/core/parsers/dotenv';
const dotenv = require('dotenv');
const samples = ['A=1\r\nB="x\\ny"\r\n# C=secret\r\nexport D=\'q\' # c\r\nE = spaced\nF=abc#def\nG="unterminated\nH\nI=', '\uFEFFK=v'];
for (const s of samples) {
  const p = parseDotenv('.env', s);
  console.log(JSON.stringify(p.entries.map(e => [e.key, e.value, s.slice(e.valueStart, e.valueEnd), e.quote, e.exported, e.line])));
  console.log(JSON.stringify(dotenv.parse(s)));
  console.log(p.problems.map(x => x.kind + ':' + x.message), p.commented);
}
