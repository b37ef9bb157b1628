#!/usr/bin/python3
"""Writes the PyTorch reference fixtures Sharpformer's parity tests compare against.

Usage (Debian's python3-torch; see tools/parity/README.md):
    /usr/bin/python3 tools/parity/make_fixtures.py --out tests/fixtures/parity          # write + self-check
    /usr/bin/python3 tools/parity/make_fixtures.py --out tests/fixtures/parity --check  # only re-check existing files
    /usr/bin/python3 tools/parity/make_fixtures.py --out tests/fixtures/parity --only rnn,lstm,gru  # only these kinds

Each Transformer fixture (kinds seq2seq, lm) is one safetensors file holding the reference model's weights (PyTorch
state_dict names), a padded input batch, the expected logits and loss, and the gradient of the loss for every weight
("grad.<name>"). The recurrent fixtures (kinds rnn, lstm, gru) are made by recurrent_fixtures.py.
Everything is float32 except token ids (int64). Output is deterministic (torch.manual_seed per fixture, 1 thread).
"""

import argparse
import json
import math
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recurrent_fixtures  # noqa: E402
import safetensors_io  # noqa: E402

PAD_ID = 0
BOS_ID = 1
EOS_ID = 2

# ----------------------------------------------------------------------------------------------------------------------
# Fixture definitions
# ----------------------------------------------------------------------------------------------------------------------

FIXTURES = [
    dict(file="seq2seq_postnorm_relu.safetensors", seed=1001, kind="seq2seq",
         d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=64,
         src_vocab=19, tgt_vocab=23, norm_first=False, activation="relu", layer_norm_eps=1e-5,
         label_smoothing=0.1, B=3, S=7, T=5,
         description="seq2seq nn.Transformer, post-norm, ReLU, d_model 32, 4 heads, 2+2 layers, "
                     "label smoothing 0.1, padded source and target"),
    dict(file="seq2seq_prenorm_gelu.safetensors", seed=1002, kind="seq2seq",
         d_model=32, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=48,
         src_vocab=19, tgt_vocab=23, norm_first=True, activation="gelu", layer_norm_eps=1e-5,
         label_smoothing=0.0, B=2, S=5, T=8,
         description="seq2seq nn.Transformer, pre-norm (norm_first), exact GELU, d_model 32, 2 heads, 2+1 layers, "
                     "target longer than source, no label smoothing"),
    dict(file="seq2seq_d48_h6.safetensors", seed=1003, kind="seq2seq",
         d_model=48, nhead=6, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=96,
         src_vocab=19, tgt_vocab=23, norm_first=False, activation="relu", layer_norm_eps=1e-6,
         label_smoothing=0.1, B=3, S=9, T=6,
         description="seq2seq nn.Transformer, post-norm, ReLU, d_model 48, 6 heads (d_k 8), 1+2 layers, "
                     "layer_norm_eps 1e-6, label smoothing 0.1"),
    dict(file="lm_prenorm_gelu.safetensors", seed=1004, kind="lm",
         d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=0, dim_feedforward=64,
         vocab=29, norm_first=True, activation="gelu", layer_norm_eps=1e-5,
         label_smoothing=0.0, B=2, T=9,
         description="decoder-only LM (causal nn.TransformerEncoder + final LayerNorm), pre-norm, exact GELU, "
                     "d_model 32, 4 heads, 2 layers, no label smoothing"),
    dict(file="lm_postnorm_relu.safetensors", seed=1005, kind="lm",
         d_model=24, nhead=3, num_encoder_layers=2, num_decoder_layers=0, dim_feedforward=40,
         vocab=17, norm_first=False, activation="relu", layer_norm_eps=1e-5,
         label_smoothing=0.1, B=3, T=6,
         description="decoder-only LM (causal nn.TransformerEncoder + final LayerNorm), post-norm, ReLU, "
                     "d_model 24, 3 heads, 2 layers, label smoothing 0.1"),
]

CONFIG_KEYS_SEQ2SEQ = ["d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward",
                       "src_vocab", "tgt_vocab", "pad_id", "norm_first", "activation", "layer_norm_eps",
                       "label_smoothing"]
CONFIG_KEYS_LM = ["d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward",
                  "vocab", "pad_id", "norm_first", "activation", "layer_norm_eps", "label_smoothing"]


def config_of(fx):
    keys = CONFIG_KEYS_SEQ2SEQ if fx["kind"] == "seq2seq" else CONFIG_KEYS_LM
    full = dict(fx, pad_id=PAD_ID)
    cfg = {}
    for k in keys:
        v = full[k]
        if k in ("layer_norm_eps", "label_smoothing"):
            v = float(v)
        elif k == "norm_first":
            v = bool(v)
        elif k != "activation":
            v = int(v)
        cfg[k] = v
    return cfg


# ----------------------------------------------------------------------------------------------------------------------
# Reference modules
# ----------------------------------------------------------------------------------------------------------------------

def sinusoidal_pe(length, d_model):
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)); float64 math, float32 result."""
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(torch.tensor(10000.0, dtype=torch.float64), two_i / d_model)
    pe = torch.zeros(length, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.to(torch.float32)


class Seq2SeqRef(nn.Module):
    """Embeddings (* sqrt(d) + sinusoidal PE) -> nn.Transformer (with its final encoder/decoder norms) -> Linear."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.d_model = d
        self.src_embed = nn.Embedding(cfg["src_vocab"], d)  # no padding_idx: the pad row is an ordinary row
        self.tgt_embed = nn.Embedding(cfg["tgt_vocab"], d)
        self.transformer = nn.Transformer(
            d_model=d, nhead=cfg["nhead"], num_encoder_layers=cfg["num_encoder_layers"],
            num_decoder_layers=cfg["num_decoder_layers"], dim_feedforward=cfg["dim_feedforward"], dropout=0.0,
            activation=cfg["activation"], batch_first=True, norm_first=cfg["norm_first"],
            layer_norm_eps=cfg["layer_norm_eps"])
        self.generator = nn.Linear(d, cfg["tgt_vocab"])

    def forward(self, src, tgt):
        S, T = src.shape[1], tgt.shape[1]
        scale = math.sqrt(self.d_model)
        x = self.src_embed(src) * scale + sinusoidal_pe(S, self.d_model)
        y = self.tgt_embed(tgt) * scale + sinusoidal_pe(T, self.d_model)
        src_pad = src == PAD_ID  # bool, True = padding (ignored as a key)
        tgt_pad = tgt == PAD_ID
        causal = nn.Transformer.generate_square_subsequent_mask(T)  # float, -inf above the diagonal
        h = self.transformer(x, y, tgt_mask=causal, src_key_padding_mask=src_pad,
                             tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad)
        return self.generator(h)


class LmRef(nn.Module):
    """Embedding (* sqrt(d) + sinusoidal PE) -> causal nn.TransformerEncoder with final LayerNorm -> Linear."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.d_model = d
        self.embed = nn.Embedding(cfg["vocab"], d)
        layer = nn.TransformerEncoderLayer(
            d_model=d, nhead=cfg["nhead"], dim_feedforward=cfg["dim_feedforward"], dropout=0.0,
            activation=cfg["activation"], layer_norm_eps=cfg["layer_norm_eps"], batch_first=True,
            norm_first=cfg["norm_first"])
        self.encoder = nn.TransformerEncoder(layer, cfg["num_encoder_layers"],
                                             norm=nn.LayerNorm(d, eps=cfg["layer_norm_eps"]),
                                             enable_nested_tensor=False)
        self.generator = nn.Linear(d, cfg["vocab"])

    def forward(self, tokens):
        T = tokens.shape[1]
        x = self.embed(tokens) * math.sqrt(self.d_model) + sinusoidal_pe(T, self.d_model)
        causal = nn.Transformer.generate_square_subsequent_mask(T)
        h = self.encoder(x, mask=causal, src_key_padding_mask=tokens == PAD_ID)
        return self.generator(h)


def build_model(kind, cfg):
    return Seq2SeqRef(cfg) if kind == "seq2seq" else LmRef(cfg)


def reference_loss(logits, labels, label_smoothing):
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=PAD_ID,
                           label_smoothing=label_smoothing)


def run_model(model, kind, inputs, label_smoothing):
    """Forward + backward in train() mode (dropout is 0, so this only keeps PyTorch off its inference fast path)."""
    model.train()
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        if kind == "seq2seq":
            logits = model(inputs["input.src"], inputs["input.tgt"])
        else:
            logits = model(inputs["input.tokens"])
        loss = reference_loss(logits, inputs["input.labels"], label_smoothing)
        loss.backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    return logits.detach(), loss.detach(), grads


# ----------------------------------------------------------------------------------------------------------------------
# Initialisation and inputs
# ----------------------------------------------------------------------------------------------------------------------

def perturb_(model):
    """PyTorch default init, then: embeddings ~ N(0, d^-1/2) (so emb*sqrt(d) has unit scale, comparable to the PE,
    instead of N(0,1)*sqrt(d) which saturates the first softmax), and every bias and LayerNorm weight/bias gets
    +N(0, 0.1) so mistakes in affine terms cannot hide behind ones/zeros."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.Embedding):
                nn.init.normal_(mod.weight, 0.0, mod.embedding_dim ** -0.5)
        layer_norm_params = {id(p) for m in model.modules() if isinstance(m, nn.LayerNorm) for p in m.parameters()}
        for name, p in model.named_parameters():
            if name.endswith("bias") or id(p) in layer_norm_params:
                p.add_(torch.randn_like(p) * 0.1)


def padded_ids(lengths, width, low, high):
    """[len(lengths), width] int64 ids drawn from [low, high), PAD_ID after each row's length."""
    out = torch.full((len(lengths), width), PAD_ID, dtype=torch.int64)
    for b, n in enumerate(lengths):
        out[b, :n] = torch.randint(low, high, (n,))
    return out


def batch_lengths(B, L):
    """Row 0 full length, row 1 padded by 2, row 2 about half; at least one row of every batch is padded."""
    lens = [L, max(1, L - 2), max(1, L // 2)][:B]
    return lens


def make_inputs(fx):
    B = fx["B"]
    if fx["kind"] == "seq2seq":
        S, T, Vs, Vt = fx["S"], fx["T"], fx["src_vocab"], fx["tgt_vocab"]
        src_lens = batch_lengths(B, S)
        tgt_lens = batch_lengths(B, T)
        # Row 0: full source, padded target; row 1: padded source, full target (row 2, if any: both padded).
        tgt_lens[0], tgt_lens[1] = tgt_lens[1], tgt_lens[0]
        src = padded_ids(src_lens, S, 1, Vs)
        tgt = torch.full((B, T), PAD_ID, dtype=torch.int64)
        labels = torch.full((B, T), PAD_ID, dtype=torch.int64)
        for b, n in enumerate(tgt_lens):
            y = torch.randint(EOS_ID + 1, Vt, (n - 1,))  # the target sentence y1..y_{n-1}
            tgt[b, 0] = BOS_ID
            tgt[b, 1:n] = y
            labels[b, :n - 1] = y
            labels[b, n - 1] = EOS_ID
        return {"input.src": src, "input.tgt": tgt, "input.labels": labels}
    T, V = fx["T"], fx["vocab"]
    lens = batch_lengths(B, T)
    tokens = torch.full((B, T), PAD_ID, dtype=torch.int64)
    labels = torch.full((B, T), PAD_ID, dtype=torch.int64)
    for b, n in enumerate(lens):
        seq = torch.randint(1, V, (n + 1,))
        tokens[b, :n] = seq[:n]
        labels[b, :n] = seq[1:]
    return {"input.tokens": tokens, "input.labels": labels}


# ----------------------------------------------------------------------------------------------------------------------
# Independent float64 re-implementation (self-check of the semantics the C# side must match)
# ----------------------------------------------------------------------------------------------------------------------

def _ln(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)  # biased variance
    return (x - mu) / torch.sqrt(var + eps) * w + b


def _mha(W, prefix, q_in, kv_in, nhead, add_mask):
    """add_mask: [B, Tq, Tk] additive (0 / -inf). Heads split d_model into nhead contiguous slices of d_k."""
    d = q_in.shape[-1]
    dk = d // nhead
    w_in, b_in = W[prefix + "in_proj_weight"], W[prefix + "in_proj_bias"]  # rows: [W_q; W_k; W_v]
    q = q_in @ w_in[:d].T + b_in[:d]
    k = kv_in @ w_in[d:2 * d].T + b_in[d:2 * d]
    v = kv_in @ w_in[2 * d:].T + b_in[2 * d:]
    B, Tq, Tk = q.shape[0], q.shape[1], k.shape[1]
    q = q.view(B, Tq, nhead, dk).transpose(1, 2)
    k = k.view(B, Tk, nhead, dk).transpose(1, 2)
    v = v.view(B, Tk, nhead, dk).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / math.sqrt(dk) + add_mask[:, None]
    o = torch.softmax(scores, -1) @ v
    o = o.transpose(1, 2).reshape(B, Tq, d)
    return o @ W[prefix + "out_proj.weight"].T + W[prefix + "out_proj.bias"]


def _ff(W, prefix, x, act):
    h = x @ W[prefix + "linear1.weight"].T + W[prefix + "linear1.bias"]
    h = torch.relu(h) if act == "relu" else F.gelu(h)  # exact (erf) GELU
    return h @ W[prefix + "linear2.weight"].T + W[prefix + "linear2.bias"]


def _enc_layer(W, p, x, cfg, mask):
    eps, nf, nh = cfg["layer_norm_eps"], cfg["norm_first"], cfg["nhead"]
    n1 = lambda t: _ln(t, W[p + "norm1.weight"], W[p + "norm1.bias"], eps)  # noqa: E731
    n2 = lambda t: _ln(t, W[p + "norm2.weight"], W[p + "norm2.bias"], eps)  # noqa: E731
    if nf:
        h = n1(x)
        x = x + _mha(W, p + "self_attn.", h, h, nh, mask)
        x = x + _ff(W, p, n2(x), cfg["activation"])
    else:
        x = n1(x + _mha(W, p + "self_attn.", x, x, nh, mask))
        x = n2(x + _ff(W, p, x, cfg["activation"]))
    return x


def _dec_layer(W, p, x, mem, cfg, self_mask, cross_mask):
    eps, nf, nh = cfg["layer_norm_eps"], cfg["norm_first"], cfg["nhead"]
    n = lambda i, t: _ln(t, W[f"{p}norm{i}.weight"], W[f"{p}norm{i}.bias"], eps)  # noqa: E731
    if nf:
        h = n(1, x)
        x = x + _mha(W, p + "self_attn.", h, h, nh, self_mask)
        x = x + _mha(W, p + "multihead_attn.", n(2, x), mem, nh, cross_mask)
        x = x + _ff(W, p, n(3, x), cfg["activation"])
    else:
        x = n(1, x + _mha(W, p + "self_attn.", x, x, nh, self_mask))
        x = n(2, x + _mha(W, p + "multihead_attn.", x, mem, nh, cross_mask))
        x = n(3, x + _ff(W, p, x, cfg["activation"]))
    return x


def _masks(q_ids, k_ids, causal):
    B, Tq, Tk = q_ids.shape[0], q_ids.shape[1], k_ids.shape[1]
    m = torch.zeros(B, Tq, Tk, dtype=torch.float64)
    m = m.masked_fill((k_ids == PAD_ID)[:, None, :], float("-inf"))
    if causal:
        m = m.masked_fill(torch.ones(Tq, Tk, dtype=torch.bool).triu(1)[None], float("-inf"))
    return m


def manual_forward64(kind, cfg, W, inputs):
    """From-scratch float64 forward + loss; W maps names to float64 leaf tensors (requires_grad for grads)."""
    d = cfg["d_model"]
    eps = cfg["layer_norm_eps"]
    labels = inputs["input.labels"]
    if kind == "seq2seq":
        src, tgt = inputs["input.src"], inputs["input.tgt"]
        x = W["src_embed.weight"][src] * math.sqrt(d) + sinusoidal_pe(src.shape[1], d).double()
        y = W["tgt_embed.weight"][tgt] * math.sqrt(d) + sinusoidal_pe(tgt.shape[1], d).double()
        for i in range(cfg["num_encoder_layers"]):
            x = _enc_layer(W, f"transformer.encoder.layers.{i}.", x, cfg, _masks(src, src, False))
        mem = _ln(x, W["transformer.encoder.norm.weight"], W["transformer.encoder.norm.bias"], eps)
        for i in range(cfg["num_decoder_layers"]):
            y = _dec_layer(W, f"transformer.decoder.layers.{i}.", y, mem, cfg,
                           _masks(tgt, tgt, True), _masks(tgt, src, False))
        h = _ln(y, W["transformer.decoder.norm.weight"], W["transformer.decoder.norm.bias"], eps)
    else:
        tok = inputs["input.tokens"]
        x = W["embed.weight"][tok] * math.sqrt(d) + sinusoidal_pe(tok.shape[1], d).double()
        for i in range(cfg["num_encoder_layers"]):
            x = _enc_layer(W, f"encoder.layers.{i}.", x, cfg, _masks(tok, tok, True))
        h = _ln(x, W["encoder.norm.weight"], W["encoder.norm.bias"], eps)
    logits = h @ W["generator.weight"].T + W["generator.bias"]
    # Loss, written out: mean over non-pad label positions of (1-eps)*(-log p[y]) + eps * mean_c(-log p[c]).
    logp = torch.log_softmax(logits, -1)
    keep = labels != PAD_ID
    nll = -logp.gather(-1, labels.clamp(min=0)[..., None])[..., 0]
    smooth = -logp.mean(-1)
    ls = cfg["label_smoothing"]
    per_tok = (1 - ls) * nll + ls * smooth
    loss = (per_tok * keep).sum() / keep.sum()
    return logits, loss


# ----------------------------------------------------------------------------------------------------------------------
# Writing and checking
# ----------------------------------------------------------------------------------------------------------------------

def np32(t):
    return t.detach().to(torch.float32).contiguous().numpy()


def write_fixture(fx, out_dir):
    kind = fx["kind"]
    cfg = config_of(fx)
    torch.manual_seed(fx["seed"])
    model = build_model(kind, cfg)
    perturb_(model)
    inputs = make_inputs(fx)
    state = model.state_dict()
    assert list(state.keys()) == [n for n, _ in model.named_parameters()], "state_dict has non-parameter entries"
    logits, loss, grads = run_model(model, kind, inputs, cfg["label_smoothing"])
    if not torch.isfinite(logits).all() or not torch.isfinite(loss):
        raise RuntimeError(f"{fx['file']}: non-finite reference output")

    tensors = {}
    for name, t in state.items():
        tensors[name] = np32(t)
    for name, t in inputs.items():
        tensors[name] = t.numpy().astype(np.int64)
    tensors["expected.logits"] = np32(logits)
    tensors["expected.loss"] = np32(loss.reshape(()))
    for name in state.keys():
        tensors["grad." + name] = np32(grads[name])
    return safetensors_io.write_fixture(out_dir, fx, kind, cfg, tensors, torch.__version__)


def check_fixture(path):
    """Re-reads a fixture and checks (1) the nn.Module reproduces the stored logits/loss/grads from the stored weights,
    (2) the independent float64 implementation agrees. Returns a dict of max abs diffs."""
    tensors, meta = safetensors_io.read(path)
    kind = meta["kind"]
    cfg = json.loads(meta["config"])
    assert isinstance(cfg["norm_first"], bool) and isinstance(cfg["layer_norm_eps"], float)
    assert isinstance(cfg["label_smoothing"], float) and cfg["pad_id"] == PAD_ID
    input_names = ["input.src", "input.tgt", "input.labels"] if kind == "seq2seq" else ["input.tokens", "input.labels"]
    inputs = {n: torch.from_numpy(tensors[n]) for n in input_names}
    for n in input_names:
        assert tensors[n].dtype == np.int64
    lab = inputs["input.labels"]
    tgt = inputs["input.tgt"] if kind == "seq2seq" else inputs["input.tokens"]
    assert torch.equal(lab == PAD_ID, tgt == PAD_ID), "label padding does not match target padding"
    for n in input_names:
        ids = inputs[n]
        assert (ids == PAD_ID).any(), f"{n}: no padding"
        for row in ids:  # padding only at the end of a row, and every row has at least one real token
            nz = (row != PAD_ID).nonzero().flatten()
            assert len(nz) > 0 and nz[-1].item() == len(nz) - 1, f"{n}: bad padding pattern {row.tolist()}"

    model = build_model(kind, cfg)
    weight_names = list(model.state_dict().keys())
    names_in_file = [n for n in tensors if not n.startswith(("input.", "expected.", "grad."))]
    assert names_in_file == weight_names, "weight names differ from the reference module's state_dict"
    grad_names = [n for n in tensors if n.startswith("grad.")]
    assert grad_names == ["grad." + n for n in weight_names], "grad names differ"
    model.load_state_dict({n: torch.from_numpy(tensors[n]) for n in weight_names})
    logits, loss, grads = run_model(model, kind, inputs, cfg["label_smoothing"])
    exp_logits = torch.from_numpy(tensors["expected.logits"])
    exp_loss = torch.from_numpy(tensors["expected.loss"])
    assert exp_loss.shape == () and exp_logits.dtype == torch.float32
    res = {
        "rerun_logits": (logits - exp_logits).abs().max().item(),
        "rerun_loss": (loss - exp_loss).abs().item(),
        "rerun_grads": max((grads[n] - torch.from_numpy(tensors["grad." + n])).abs().max().item()
                           for n in weight_names),
    }

    W = {n: torch.from_numpy(tensors[n]).double().requires_grad_(True) for n in weight_names}
    logits64, loss64 = manual_forward64(kind, cfg, W, inputs)
    loss64.backward()
    res["fp64_logits"] = (logits64.detach() - exp_logits.double()).abs().max().item()
    res["fp64_loss"] = (loss64.detach() - exp_loss.double()).abs().item()
    rel = 0.0
    for n in weight_names:
        g64 = W[n].grad
        g32 = torch.from_numpy(tensors["grad." + n]).double()
        rel = max(rel, ((g64 - g32).abs().max() / (g64.abs().max() + 1e-12)).item())
    res["fp64_grads_rel"] = rel
    ok = (res["rerun_logits"] < 1e-6 and res["rerun_loss"] < 1e-6 and res["rerun_grads"] < 1e-6
          and res["fp64_logits"] < 1e-4 and res["fp64_loss"] < 1e-5 and res["fp64_grads_rel"] < 1e-4)
    return ok, res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory, e.g. tests/fixtures/parity")
    ap.add_argument("--check", action="store_true", help="only re-check the existing fixture files")
    ap.add_argument("--only", default="seq2seq,lm," + ",".join(recurrent_fixtures.KINDS),
                    help="comma-separated kinds to write/check (default: all): seq2seq, lm, rnn, lstm, gru")
    args = ap.parse_args()
    kinds = set(args.only.split(","))
    unknown = kinds - {"seq2seq", "lm", *recurrent_fixtures.KINDS}
    if unknown:
        ap.error(f"unknown kinds in --only: {', '.join(sorted(unknown))}")
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    all_ok = True
    for fx in FIXTURES + recurrent_fixtures.FIXTURES:
        if fx["kind"] not in kinds:
            continue
        module = recurrent_fixtures if fx["kind"] in recurrent_fixtures.KINDS else sys.modules[__name__]
        path = os.path.join(args.out, fx["file"])
        if not args.check:
            module.write_fixture(fx, args.out)
        ok, res = module.check_fixture(path)
        all_ok &= ok
        print(f"{'OK  ' if ok else 'FAIL'} {fx['file']} ({os.path.getsize(path)} bytes) "
              + " ".join(f"{k}={v:.2e}" for k, v in res.items()))
    if not all_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
