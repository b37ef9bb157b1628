#!/usr/bin/env node
// Hugging Face tokenizer.json parity fixtures for tests/fixtures/hf-tokenizer/.
//
// Trains a byte-level BPE tokenizer (GPT-2's kind: ByteLevel pre-tokenizer with GPT-2's regex, no prefix space,
// ByteLevel decoder) with Hugging Face's `tokenizers` library (the Rust core, through its Node binding from npm:
// `npm install tokenizers@0.23.2` in tools/parity), keeps its first 600 merges with the whole 256-symbol byte alphabet
// (as GPT-2's vocabulary has), and writes tokenizer.json plus, for every line of ../sentencepiece/sentences.txt, the
// ids, tokens and decoded text that the library gives. The C# tests never run Node.
//
// Usage (from the repository root): node tools/parity/hf_tokenizer_fixtures.js
const fs = require('fs');
const path = require('path');
const { Tokenizer, BPE, byteLevelPreTokenizer, byteLevelAlphabet } = require(path.join(__dirname, 'node_modules', 'tokenizers'));

const out = path.join('tests', 'fixtures', 'hf-tokenizer');
const corpus = path.join('tests', 'fixtures', 'sentencepiece', 'corpus.txt');
const sentences = fs.readFileSync(path.join('tests', 'fixtures', 'sentencepiece', 'sentences.txt'), 'utf8').split('\n').slice(0, -1);

async function main() {
  const trained = new Tokenizer(BPE.empty());
  trained.setPreTokenizer(byteLevelPreTokenizer(false, true));
  trained.train([corpus]);
  const tmp = path.join(out, 'trained.tmp.json');
  trained.save(tmp, false);
  const full = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.unlinkSync(tmp);

  // The first 600 merges and every token they make, after the whole byte alphabet.
  const merges = full.model.merges.slice(0, 600).map(m => Array.isArray(m) ? m.join(' ') : m);
  const vocab = {};
  for (const symbol of byteLevelAlphabet().sort()) vocab[symbol] = Object.keys(vocab).length;
  for (const merge of merges) {
    const [a, b] = merge.split(' ');
    for (const piece of [a, b, a + b]) if (!(piece in vocab)) vocab[piece] = Object.keys(vocab).length;
  }
  full.model.vocab = vocab;
  full.model.merges = merges;
  full.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  full.post_processor = null;
  const text = JSON.stringify(full, null, 1);
  fs.writeFileSync(path.join(out, 'tokenizer.json'), text + '\n');

  const tokenizer = Tokenizer.fromString(text);
  const cases = [];
  for (const sentence of sentences) {
    const encoding = await tokenizer.encode(sentence);
    const ids = encoding.getIds();
    cases.push({ text: sentence, ids, tokens: encoding.getTokens(), decoded: await tokenizer.decode(ids, false) });
  }
  fs.writeFileSync(path.join(out, 'expected.json'),
    '{"vocab_size": ' + tokenizer.getVocabSize() + ', "cases": [\n' + cases.map(c => JSON.stringify(c)).join(',\n') + '\n]}\n');
  console.log(`tokenizer.json: vocabulary ${tokenizer.getVocabSize()}, ${merges.length} merges; ${cases.length} sentences`);
}

main().catch(e => { console.error(e); process.exit(1); });
