#!/usr/bin/env python3
"""SentencePiece parity fixtures for tests/fixtures/sentencepiece/.

Trains two small SentencePiece models (BPE without normalization, unigram with NFKC; vocabulary 300) with Google's sentencepiece (Debian's
python3-sentencepiece) on corpus.txt, and writes for every line of sentences.txt the ids that the Python library gives
and the text it decodes them to. The C# tests check Sharpformer's SentencePiece tokenizer (Microsoft.ML.Tokenizers)
against these files; they never run Python.

Usage: /usr/bin/python3 tools/parity/sentencepiece_fixtures.py   (run from the repository root)
"""
import json
import os

import sentencepiece as spm

HERE = os.path.join("tests", "fixtures", "sentencepiece")


def main():
    corpus = os.path.join(HERE, "corpus.txt")
    with open(os.path.join(HERE, "sentences.txt"), encoding="utf-8") as f:
        sentences = f.read().split("\n")[:-1]  # one per line; the file ends with a newline
    for kind in ("bpe", "unigram"):
        prefix = os.path.join(HERE, kind)
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, model_type=kind, vocab_size=300, normalization_rule_name="identity" if kind == "bpe" else "nmt_nfkc",
                                       character_coverage=1.0, seed_sentencepiece_size=10000, num_threads=1,
                                       minloglevel=2)
        os.remove(prefix + ".vocab")
        processor = spm.SentencePieceProcessor(model_file=prefix + ".model")
        cases = []
        for text in sentences:
            ids = processor.encode(text, out_type=int)
            cases.append({"text": text, "ids": ids, "pieces": processor.encode(text, out_type=str), "decoded": processor.decode(ids)})
        with open(prefix + ".expected.json", "w", encoding="utf-8") as f:  # one case a line
            header = json.dumps({"model": kind + ".model", "vocab_size": processor.get_piece_size(), "unk_id": processor.unk_id()})
            lines = ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases)
            f.write(header[:-1] + ', "cases": [\n' + lines + "\n]}\n")
        print(f"{kind}: {len(cases)} sentences, vocabulary {processor.get_piece_size()}")


if __name__ == "__main__":
    main()
