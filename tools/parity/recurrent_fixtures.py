"""Recurrent parity fixtures (kinds rnn, lstm, gru) for make_fixtures.py: nn.RNN / nn.LSTM / nn.GRU with batch_first=True.

Each fixture holds the module's state_dict, an input batch x [B,T,I] (optionally h0/c0 [L*D,B,H]) and a fixed random
`input.grad_output` [B,T,H*D]; the expected output, h_n (and c_n), and the gradient of sum(output * grad_output) with
respect to every weight, x, and h0/c0 when present. See tools/parity/README.md.
"""

import json

import numpy as np
import torch
import torch.nn as nn

import safetensors_io

KINDS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}

FIXTURES = [
    dict(file="rnn_tanh_2layer.safetensors", seed=2001, kind="rnn", input_size=5, hidden_size=6, num_layers=2,
         bidirectional=False, nonlinearity="tanh", B=3, T=7, initial_state=False,
         description="nn.RNN (Elman, tanh), 2 layers, unidirectional, zero initial state"),
    dict(file="rnn_relu_bidirectional.safetensors", seed=2002, kind="rnn", input_size=4, hidden_size=5, num_layers=1,
         bidirectional=True, nonlinearity="relu", B=2, T=6, initial_state=True,
         description="nn.RNN (Elman, relu), 1 layer, bidirectional, given h0"),
    dict(file="lstm_1layer.safetensors", seed=2003, kind="lstm", input_size=4, hidden_size=8, num_layers=1,
         bidirectional=False, B=2, T=9, initial_state=False,
         description="nn.LSTM, 1 layer, unidirectional, zero initial state"),
    dict(file="lstm_2layer_bidirectional_h0.safetensors", seed=2004, kind="lstm", input_size=5, hidden_size=7,
         num_layers=2, bidirectional=True, B=3, T=6, initial_state=True,
         description="nn.LSTM, 2 layers, bidirectional, hidden size != input size, given h0 and c0"),
    dict(file="gru_2layer_bidirectional.safetensors", seed=2005, kind="gru", input_size=6, hidden_size=5, num_layers=2,
         bidirectional=True, B=3, T=5, initial_state=False,
         description="nn.GRU, 2 layers, bidirectional, zero initial state"),
    dict(file="gru_1layer_h0.safetensors", seed=2006, kind="gru", input_size=3, hidden_size=4, num_layers=1,
         bidirectional=False, B=4, T=4, initial_state=True,
         description="nn.GRU, 1 layer, unidirectional, given h0"),
]


def config_of(fx):
    cfg = {"input_size": int(fx["input_size"]), "hidden_size": int(fx["hidden_size"]),
           "num_layers": int(fx["num_layers"]), "bidirectional": bool(fx["bidirectional"])}
    if fx["kind"] == "rnn":
        cfg["nonlinearity"] = fx["nonlinearity"]
    return cfg


def build_model(kind, cfg):
    common = dict(input_size=cfg["input_size"], hidden_size=cfg["hidden_size"], num_layers=cfg["num_layers"],
                  bidirectional=cfg["bidirectional"], batch_first=True)
    if kind == "rnn":
        return nn.RNN(nonlinearity=cfg["nonlinearity"], **common)
    return nn.LSTM(**common) if kind == "lstm" else nn.GRU(**common)


def make_inputs(fx, cfg):
    """x ~ N(0,1); h0, c0 ~ N(0, 0.5^2) when the fixture has an initial state; grad_output ~ N(0,1)."""
    B, T, D = fx["B"], fx["T"], 2 if cfg["bidirectional"] else 1
    H, LD = cfg["hidden_size"], cfg["num_layers"] * D
    inputs = {"input.x": torch.randn(B, T, cfg["input_size"])}
    if fx["initial_state"]:
        inputs["input.h0"] = torch.randn(LD, B, H) * 0.5
        if fx["kind"] == "lstm":
            inputs["input.c0"] = torch.randn(LD, B, H) * 0.5
    inputs["input.grad_output"] = torch.randn(B, T, H * D)
    return inputs


def run_model(model, kind, inputs):
    """Forward in train() mode (dropout 0), backward of sum(output * grad_output); returns outputs and gradients."""
    model.train()
    model.zero_grad(set_to_none=True)
    leaves = {n: t.clone().requires_grad_(True) for n, t in inputs.items() if n != "input.grad_output"}
    with torch.enable_grad():
        x = leaves["input.x"]
        if kind == "lstm":
            state = (leaves["input.h0"], leaves["input.c0"]) if "input.h0" in leaves else None
            out, (h_n, c_n) = model(x, state)
        else:
            out, h_n = model(x, leaves.get("input.h0"))
            c_n = None
        (out * inputs["input.grad_output"]).sum().backward()
    expected = {"expected.output": out.detach(), "expected.h_n": h_n.detach()}
    if c_n is not None:
        expected["expected.c_n"] = c_n.detach()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    grads.update({name: t.grad.detach().clone() for name, t in leaves.items()})
    return expected, grads


def manual_forward64(kind, cfg, W, inputs):
    """From-scratch float64 forward (the equations of the nn.RNN/LSTM/GRU documentation); W and inputs are float64."""
    H, L, D = cfg["hidden_size"], cfg["num_layers"], 2 if cfg["bidirectional"] else 1
    x = inputs["input.x"]
    B, T = x.shape[0], x.shape[1]
    act = torch.relu if cfg.get("nonlinearity") == "relu" else torch.tanh
    layer_in, h_n, c_n = x, [], []
    for layer in range(L):
        outs = []
        for d in range(D):
            k = layer * D + d
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            w_ih, w_hh, b_ih, b_hh = (W[p + sfx] for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            h = inputs["input.h0"][k] if "input.h0" in inputs else torch.zeros(B, H, dtype=torch.float64)
            c = inputs["input.c0"][k] if "input.c0" in inputs else torch.zeros(B, H, dtype=torch.float64)
            ys = [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                gi = layer_in[:, t] @ w_ih.T + b_ih
                gh = h @ w_hh.T + b_hh
                if kind == "rnn":
                    h = act(gi + gh)
                elif kind == "lstm":
                    i, f, g, o = (gi + gh).chunk(4, 1)
                    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    h = torch.sigmoid(o) * torch.tanh(c)
                else:
                    i_r, i_z, i_n = gi.chunk(3, 1)
                    h_r, h_z, h_n_ = gh.chunk(3, 1)
                    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
                    n = torch.tanh(i_n + r * h_n_)
                    h = (1 - z) * n + z * h
                ys[t] = h
            outs.append(torch.stack(ys, 1))
            h_n.append(h)
            c_n.append(c)
        layer_in = torch.cat(outs, 2)
    result = {"expected.output": layer_in, "expected.h_n": torch.stack(h_n)}
    if kind == "lstm":
        result["expected.c_n"] = torch.stack(c_n)
    return result


def np32(t):
    return t.detach().to(torch.float32).contiguous().numpy()


def write_fixture(fx, out_dir):
    kind = fx["kind"]
    cfg = config_of(fx)
    torch.manual_seed(fx["seed"])
    model = build_model(kind, cfg)  # PyTorch's default init: every parameter U(-1/sqrt(H), 1/sqrt(H))
    inputs = make_inputs(fx, cfg)
    state = model.state_dict()
    assert list(state.keys()) == [n for n, _ in model.named_parameters()], "state_dict has non-parameter entries"
    expected, grads = run_model(model, kind, inputs)
    if not all(torch.isfinite(t).all() for t in expected.values()):
        raise RuntimeError(f"{fx['file']}: non-finite reference output")
    tensors = {name: np32(t) for name, t in state.items()}
    tensors.update({name: np32(t) for name, t in inputs.items()})
    tensors.update({name: np32(t) for name, t in expected.items()})
    tensors.update({"grad." + name: np32(g) for name, g in grads.items()})
    return safetensors_io.write_fixture(out_dir, fx, kind, cfg, tensors, torch.__version__)


def check_fixture(path):
    """Re-reads a fixture; checks the layout, that nn.RNN/LSTM/GRU reproduces the stored outputs and gradients from the
    stored weights (< 1e-6), and that the float64 re-implementation agrees. Returns (ok, dict of max differences)."""
    tensors, meta = safetensors_io.read(path)
    kind, cfg = meta["kind"], json.loads(meta["config"])
    assert kind in KINDS and isinstance(cfg["bidirectional"], bool)
    assert all(t.dtype == np.float32 for t in tensors.values()), "recurrent fixtures are all F32"
    model = build_model(kind, cfg)
    weight_names = list(model.state_dict().keys())
    G, H, D = GATES[kind], cfg["hidden_size"], 2 if cfg["bidirectional"] else 1
    for name in weight_names:
        assert tensors[name].shape[0] == G * H, f"{name}: expected {G}*{H} rows"
    inputs = {n: torch.from_numpy(t) for n, t in tensors.items() if n.startswith("input.")}
    B, T = inputs["input.x"].shape[:2]
    assert inputs["input.grad_output"].shape == (B, T, H * D)
    input_grads = [n for n in inputs if n != "input.grad_output"]
    names = list(tensors.keys())
    expected_names = (weight_names + list(inputs.keys())
                      + ["expected.output", "expected.h_n"] + (["expected.c_n"] if kind == "lstm" else [])
                      + ["grad." + n for n in weight_names + input_grads])
    assert names == expected_names, f"tensor names/order differ: {names}"

    model.load_state_dict({n: torch.from_numpy(tensors[n]) for n in weight_names})
    expected, grads = run_model(model, kind, inputs)
    res = {
        "rerun_outputs": max((t - torch.from_numpy(tensors[n])).abs().max().item() for n, t in expected.items()),
        "rerun_grads": max((g - torch.from_numpy(tensors["grad." + n])).abs().max().item() for n, g in grads.items()),
    }

    W = {n: torch.from_numpy(tensors[n]).double().requires_grad_(True) for n in weight_names}
    inputs64 = {n: t.double().requires_grad_(n != "input.grad_output") for n, t in inputs.items()}
    out64 = manual_forward64(kind, cfg, W, inputs64)
    (out64["expected.output"] * inputs64["input.grad_output"]).sum().backward()
    res["fp64_outputs"] = max((t.detach() - torch.from_numpy(tensors[n]).double()).abs().max().item()
                              for n, t in out64.items())
    rel = 0.0
    for n, leaf in list(W.items()) + [(n, inputs64[n]) for n in input_grads]:
        g64, g32 = leaf.grad, torch.from_numpy(tensors["grad." + n]).double()
        rel = max(rel, ((g64 - g32).abs().max() / (g64.abs().max() + 1e-12)).item())
    res["fp64_grads_rel"] = rel
    ok = (res["rerun_outputs"] < 1e-6 and res["rerun_grads"] < 1e-6
          and res["fp64_outputs"] < 1e-5 and res["fp64_grads_rel"] < 1e-4)
    return ok, res
