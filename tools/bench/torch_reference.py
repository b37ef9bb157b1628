"""PyTorch's side of `sharpformer bench train|decode|recurrent`: the same workloads with identical shapes and
hyper-parameters, printing the same JSON (snake_case) so tools/bench/compare.sh can put them side by side.

  train     --preset S|M --steps K   full training steps of torch.nn.Transformer + tied embeddings, label smoothing 0.1,
                                      dropout 0.1, Adam; ms/step, target tokens/s, peak RSS
  decode    --batch B [--tokens 32]  greedy decoding of exactly B x 32 new tokens with nn.Transformer, which has no
                                      key/value cache: each step re-runs the decoder over the prefix (encoder once)
  recurrent [--lengths ...]          forward+backward of one nn.LSTM and one nn.GRU layer, batch 16, d 256

Run through compare.sh, which selects the OpenMP OpenBLAS; the script refuses any other BLAS.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_blas import require_openmp_openblas  # noqa: E402

PRESETS = {  # name: (d_model, heads, d_ff, layers, vocabulary, batch, source length, target length)
    "S": (256, 4, 1024, 3, 8000, 32, 32, 32),
    "M": (512, 8, 2048, 6, 16000, 16, 32, 32),
}
SPECIALS = 4  # <pad> <bos> <eos> <unk>, as in Sharpformer


class Seq2Seq(torch.nn.Module):
    """nn.Transformer with one embedding table shared by source, target and the output projection (Section 3.4)."""

    def __init__(self, d, heads, d_ff, layers, vocabulary, dropout):
        super().__init__()
        self.d = d
        self.embed = torch.nn.Embedding(vocabulary, d)
        self.transformer = torch.nn.Transformer(d, heads, layers, layers, d_ff, dropout, batch_first=True)
        self.dropout = torch.nn.Dropout(dropout)
        self.register_buffer("pe", positional_encoding(512, d), persistent=False)

    def embed_tokens(self, ids):
        return self.dropout(self.embed(ids) * math.sqrt(self.d) + self.pe[: ids.shape[1]])

    def encode(self, source):
        return self.transformer.encoder(self.embed_tokens(source))

    def decode(self, target, memory):
        mask = self.transformer.generate_square_subsequent_mask(target.shape[1])
        hidden = self.transformer.decoder(self.embed_tokens(target), memory, tgt_mask=mask)
        return hidden @ self.embed.weight.T

    def forward(self, source, target):
        return self.decode(target, self.encode(source))


def positional_encoding(length, d):
    position = torch.arange(length).unsqueeze(1)
    rate = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(length, d)
    pe[:, 0::2] = torch.sin(position * rate)
    pe[:, 1::2] = torch.cos(position * rate)
    return pe


def model_of(preset, dropout):
    d, heads, d_ff, layers, vocabulary, *_ = PRESETS[preset]
    return Seq2Seq(d, heads, d_ff, layers, vocabulary, dropout)


def random_ids(rows, length, vocabulary):
    return torch.randint(SPECIALS, vocabulary, (rows, length))


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def bench_train(args):
    d, heads, d_ff, layers, vocabulary, batch, source_length, target_length = PRESETS[args.preset]
    model = model_of(args.preset, dropout=0.1).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    loss_of = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    source = random_ids(batch, source_length, vocabulary)
    target = random_ids(batch, target_length, vocabulary)
    target_input = torch.cat([torch.ones(batch, 1, dtype=torch.long), target[:, :-1]], dim=1)
    times = []
    for step in range(-2, args.steps):
        start = time.perf_counter()
        logits = model(source, target_input)
        loss = loss_of(logits.reshape(-1, vocabulary), target.reshape(-1))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= 0:
            times.append((time.perf_counter() - start) * 1000)
    mean = statistics.mean(times)
    return {
        "preset": args.preset, "parameters": sum(p.numel() for p in model.parameters()), "processes": 1,
        "threads_per_process": torch.get_num_threads(), "steps": args.steps, "mean_milliseconds": mean,
        "median_milliseconds": statistics.median(times), "target_tokens_per_second": batch * target_length / (mean / 1000),
        "peak_working_set_bytes": peak_rss_bytes(),
    }


@torch.no_grad()
def greedy(model, source, tokens):
    memory = model.encode(source)
    prefix = torch.ones(source.shape[0], 1, dtype=torch.long)
    for _ in range(tokens):
        logits = model.decode(prefix, memory)[:, -1]
        logits[:, :3] = -math.inf  # <pad>, <bos> and <eos> banned: exactly `tokens` new tokens, as in Sharpformer
        prefix = torch.cat([prefix, logits.argmax(-1, keepdim=True)], dim=1)
    return prefix


def bench_decode(args):
    vocabulary = PRESETS[args.preset][4]
    model = model_of(args.preset, dropout=0.0).eval()
    source = random_ids(args.batch, 32, vocabulary)
    greedy(model, source, args.tokens)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        greedy(model, source, args.tokens)
        times.append((time.perf_counter() - start) * 1000)
    ms = statistics.median(times)
    return {
        "batch": args.batch, "beam": 1, "source_length": 32, "new_tokens": args.tokens, "threads": torch.get_num_threads(),
        "uncached_milliseconds": ms, "uncached_tokens_per_second": args.batch * args.tokens / (ms / 1000),
    }


def bench_recurrent(args):
    rows = []
    for arch, layer in (("lstm", torch.nn.LSTM(args.d, args.d, batch_first=True)), ("gru", torch.nn.GRU(args.d, args.d, batch_first=True))):
        for length in (int(n) for n in args.lengths.split(",")):
            x = torch.randn(args.batch, length, args.d)

            def step():
                layer(x)[0].mean().backward()
            step()
            times = []
            for _ in range(5 if length <= 256 else 3):
                start = time.perf_counter()
                step()
                times.append((time.perf_counter() - start) * 1000)
            ms = statistics.median(times)
            rows.append({"arch": arch, "batch": args.batch, "d": args.d, "length": length, "threads": torch.get_num_threads(),
                         "ms": ms, "tokens_per_s": args.batch * length / (ms / 1000)})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blas-dir", required=True, help="folder the OpenMP OpenBLAS must be loaded from")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train")
    train.add_argument("--preset", choices=sorted(PRESETS), default="S")
    train.add_argument("--steps", type=int, default=10)
    decode = commands.add_parser("decode")
    decode.add_argument("--preset", choices=sorted(PRESETS), default="S")
    decode.add_argument("--batch", type=int, default=1)
    decode.add_argument("--tokens", type=int, default=32)
    recurrent = commands.add_parser("recurrent")
    recurrent.add_argument("--batch", type=int, default=16)
    recurrent.add_argument("--d", type=int, default=256)
    recurrent.add_argument("--lengths", default="16,64,256,1024")
    args = parser.parse_args()

    blas = require_openmp_openblas(args.blas_dir)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    print(f"PyTorch {torch.__version__}, BLAS: {' '.join(blas)}, {args.threads} threads", file=sys.stderr)
    result = {"train": bench_train, "decode": bench_decode, "recurrent": bench_recurrent}[args.command](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
