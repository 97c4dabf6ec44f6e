"""sigconv.nn against PyTorch (CPU): one training step of a small 1D CNN and a Conv1D layer's
forward + backward, float32, both libraries on 2 threads (torch.set_num_threads(2), restored).

Both sides start from identical weights and inputs; the JIT is warmed outside the timing.
On a shared 2-core machine both libraries' thread pools compete with other processes, so the
ratios move by 2-5x between runs; compare them over several runs.

sigconv is imported before torch here, so the ``OMP_WAIT_POLICY=PASSIVE`` default that
:mod:`sigconv._config` sets also reaches torch's OpenMP pool (its threads sleep between
operators).  With torch imported first (its threads spin) its training step measured about
1.5x faster (4 ms instead of 6 ms on the 2-core development machine) and its Conv1D about
10% faster; both rows still met their targets that way (step 1.4-1.5x, Conv1D 0.74x).
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Row, best_time, have
from sigconv import nn

THREADS = 2


def _our_step_model():
    return nn.Sequential(
        nn.Conv1D(1, 16, 7, random_state=0), nn.ReLU(), nn.MaxPool1D(2),
        nn.Conv1D(16, 32, 5, random_state=1), nn.ReLU(), nn.GlobalAvgPool1D(),
        nn.Linear(32, 2, random_state=2))


def _torch_twin(torch, model):
    tnn = torch.nn
    twin = tnn.Sequential(tnn.Conv1d(1, 16, 7), tnn.ReLU(), tnn.MaxPool1d(2), tnn.Conv1d(16, 32, 5),
                          tnn.ReLU(), tnn.AdaptiveAvgPool1d(1), tnn.Flatten(), tnn.Linear(32, 2))
    with torch.no_grad():
        pairs = ((model.layers[0], twin[0]), (model.layers[3], twin[3]), (model.layers[6], twin[7]))
        for ours, theirs in pairs:
            theirs.weight.copy_(torch.from_numpy(ours.params["weight"]))
            theirs.bias.copy_(torch.from_numpy(ours.params["bias"]))
    return twin


def _train_step_row(torch, repeat: int) -> Row:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 1, 256)).astype(np.float32)
    y = rng.integers(0, 2, 64)
    model = _our_step_model()
    opt, loss = nn.Adam(1e-3), nn.CrossEntropyLoss()

    def ours():
        out = model.forward(X)
        _, grad = loss(out, y)
        opt.zero_grad(model)
        model.backward(grad)
        opt.step(model)

    twin = _torch_twin(torch, model)
    topt, tloss = torch.optim.Adam(twin.parameters(), lr=1e-3), torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def theirs():
        topt.zero_grad()
        tloss(twin(Xt), yt).backward()
        topt.step()

    return Row("nn training step", "Conv-ReLU-MaxPool-Conv-ReLU-GAP-Linear, batch 64×256, Adam, float32",
               "torch", best_time(ours, repeat=repeat), best_time(theirs, repeat=repeat), target=1.0,
               note=f"{THREADS} threads")


def _conv_row(torch, repeat: int, length: int) -> Row:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 16, length)).astype(np.float32)
    conv = nn.Conv1D(16, 32, 7, random_state=0)
    g = np.ones((64, 32, conv.output_length(length)), dtype=np.float32)

    def ours():
        conv.forward(x)
        conv.backward(g)

    xt = torch.from_numpy(x).requires_grad_(True)
    wt = torch.from_numpy(conv.params["weight"].copy()).requires_grad_(True)
    bt = torch.from_numpy(conv.params["bias"].copy()).requires_grad_(True)
    gt = torch.from_numpy(g)

    def theirs():
        xt.grad = wt.grad = bt.grad = None
        torch.nn.functional.conv1d(xt, wt, bt).backward(gt)

    return Row("nn Conv1D forward+backward", f"(64,16,{length}) → 32 ch, k=7, float32", "torch",
               best_time(ours, repeat=repeat), best_time(theirs, repeat=repeat), target=0.67,
               note=f"{THREADS} threads")


def run(quick: bool) -> list[Row]:
    if not have("torch"):
        return []
    import torch

    from sigconv._jit import threads

    repeat = 5 if quick else 10
    previous = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        with threads(THREADS):
            return [_train_step_row(torch, repeat), _conv_row(torch, repeat, 1024)]
    finally:
        torch.set_num_threads(previous)
