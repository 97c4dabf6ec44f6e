"""sigconv.nn.Sequential: fit, predict, evaluate, save/load (API.md §4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sigconv import nn


def _classifier(dtype=np.float32, seed=0):
    return nn.Sequential(
        nn.Conv1D(1, 8, 7, padding="same", dtype=dtype, random_state=seed), nn.ReLU(), nn.MaxPool1D(2),
        nn.Conv1D(8, 8, 5, dtype=dtype, random_state=seed + 1), nn.ReLU(), nn.GlobalMaxPool1D(),
        nn.Dropout(0.1, random_state=seed), nn.Linear(8, 2, dtype=dtype, random_state=seed + 2))


def _task(n, rng, length=64):
    """Class 1 holds a short bump at a random position, class 0 a short dip; plus noise."""
    y = rng.integers(0, 2, n)
    X = 0.3 * rng.standard_normal((n, 1, length))
    pos = rng.integers(5, length - 10, n)
    for i in range(n):
        X[i, 0, pos[i]:pos[i] + 5] += np.where(y[i] == 1, 1.5, -1.5) * np.hanning(5)
    return X.astype(np.float32), y


def test_moving_average_kernel_is_recovered():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 1, 64))
    kernel = np.full(5, 1 / 5)
    Y = np.stack([np.correlate(x[0], kernel, mode="valid") for x in X])[:, None, :]
    model = nn.Sequential(nn.Conv1D(1, 1, 5, bias=False, dtype=np.float64, random_state=0))
    history = model.fit(X, Y, loss="mse", optimizer="adam", lr=0.02, epochs=30, batch_size=32,
                        random_state=0, progress=False)
    assert list(history) == ["loss"] and len(history["loss"]) == 30
    assert history["loss"][-1] < 1e-6 < history["loss"][0]
    np.testing.assert_allclose(model.layers[0].params["weight"][0, 0], kernel, atol=1e-3)
    assert model.predict(X[:4]).shape == (4, 1, 60)  # mse model: raw outputs


def test_classifier_learns_synthetic_task_and_reports_history(capsys):
    rng = np.random.default_rng(1)
    X, y = _task(600, rng)
    Xv, yv = _task(200, rng)
    model = _classifier()
    history = model.fit(X, y, lr=1e-2, epochs=6, batch_size=32, validation_data=(Xv, yv),
                        random_state=0, progress=False)
    assert capsys.readouterr() == ("", "")  # progress=False is silent
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 6 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.95
    scores = model.evaluate(Xv, yv)
    assert set(scores) == {"loss", "accuracy"}
    assert scores["accuracy"] == pytest.approx(history["val_accuracy"][-1])
    assert scores["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-5)
    pred = model.predict(Xv)
    assert pred.shape == (200,) and np.mean(pred == yv) == pytest.approx(scores["accuracy"])
    proba = model.predict_proba(Xv)
    assert proba.shape == (200, 2) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(proba.argmax(axis=1), pred)


def test_fit_is_reproducible_and_shows_progress(capsys):
    rng = np.random.default_rng(2)
    X, y = _task(64, rng, length=32)
    runs = []
    for progress in (False, True):
        model = _classifier(seed=3)
        runs.append(model.fit(X, y, epochs=2, batch_size=16, random_state=5, progress=progress,
                              optimizer=nn.SGD(0.05, momentum=0.9)))
    assert runs[0] == runs[1]
    assert "epoch" in capsys.readouterr().err  # tqdm writes to stderr
    # no shuffling: the result does not depend on random_state
    a = _classifier(seed=3).fit(X, y, epochs=1, shuffle=False, random_state=1, progress=False)
    b = _classifier(seed=3).fit(X, y, epochs=1, shuffle=False, random_state=2, progress=False)
    assert a == b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_round_trip(tmp_path, dtype):
    rng = np.random.default_rng(3)
    X, y = _task(64, rng, length=32)
    model = nn.Sequential(
        nn.Conv1D(1, 4, 3, stride=2, padding=1, dilation=1, dtype=dtype, random_state=0), nn.LeakyReLU(0.2),
        nn.AvgPool1D(2),
        nn.Conv1D(4, 3, 3, padding="same", dilation=2, bias=False, dtype=dtype, random_state=1),
        nn.Tanh(), nn.MinPool1D(2, 1), nn.Flatten(), nn.Linear(21, 2, dtype=dtype, random_state=2),
        nn.Sigmoid())
    model.fit(X, y, epochs=1, progress=False, random_state=0)
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:  # a plain npz: nothing needs pickle
        spec = json.loads(str(data["__spec__"]))
    assert [entry["type"] for entry in spec["layers"]][:3] == ["Conv1D", "LeakyReLU", "AvgPool1D"]
    loaded = nn.Sequential.load(path)
    assert repr(loaded) == repr(model)
    assert loaded.loss_ == "cross_entropy"
    for key, value in model.params.items():
        np.testing.assert_array_equal(loaded.params[key], value)
        assert loaded.params[key].dtype == dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_save_load_keeps_the_dropout_seed(tmp_path):
    """A Dropout seeded with an int draws the same masks after a save/load round trip; one
    seeded with a Generator (not serialisable) loads unseeded."""
    x = np.ones((4, 16))
    for state, saved in ((7, 7), (np.random.default_rng(7), None)):
        path = tmp_path / f"{saved}.npz"
        nn.Sequential(nn.Dropout(0.5, random_state=state), nn.Linear(16, 2, random_state=0)).save(path)
        assert nn.Sequential.load(path).layers[0].get_config() == {"p": 0.5, "random_state": saved}
    masks = [nn.Sequential.load(tmp_path / "7.npz").layers[0].forward(x) for _ in range(2)]
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], nn.Dropout(0.5, random_state=7).forward(x))


def test_load_rejects_foreign_and_tampered_files(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2, random_state=0))
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path) as data:
        arrays = dict(data)
    spec = json.loads(str(arrays["__spec__"]))
    spec["layers"][0]["type"] = "os.system"
    bad = tmp_path / "bad.npz"
    np.savez(bad, **{**arrays, "__spec__": np.array(json.dumps(spec))})
    with pytest.raises(ValueError, match="unknown type"):
        nn.Sequential.load(bad)
    np.savez(tmp_path / "plain.npz", a=np.ones(3))
    with pytest.raises(ValueError, match="`path`"):
        nn.Sequential.load(tmp_path / "plain.npz")
    np.savez(tmp_path / "obj.npz", __spec__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickle"):  # object arrays are refused, never unpickled
        nn.Sequential.load(tmp_path / "obj.npz")
    wrong = {**arrays, "param.0.weight": np.ones((5, 5), dtype=np.float32)}
    np.savez(tmp_path / "shape.npz", **wrong)
    with pytest.raises(ValueError, match="shape"):
        nn.Sequential.load(tmp_path / "shape.npz")


def test_regression_with_sgd_and_evaluate():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((128, 2, 16))
    y = X[:, 0].mean(axis=1) - 0.5 * X[:, 1].max(axis=1)  # (n,) target for an (n, 1) output
    model = nn.Sequential(nn.Conv1D(2, 4, 3, padding=1, dtype=np.float64, random_state=0), nn.Tanh(),
                          nn.Flatten(), nn.Linear(64, 1, dtype=np.float64, random_state=1))
    before = model.evaluate(X, y, loss="mse")
    history = model.fit(X, y, loss="mse", optimizer="sgd", lr=0.05, epochs=15, batch_size=16,
                        validation_data=(X, y), random_state=0, progress=False)
    assert set(history) == {"loss", "val_loss"}
    after = model.evaluate(X, y)
    assert set(after) == {"loss"} and after["loss"] < 0.5 * before["loss"]
    assert after["loss"] == pytest.approx(history["val_loss"][-1])
    pred = model.predict(X)
    assert pred.shape == (128, 1) and pred.dtype == np.float64
    assert np.mean((pred[:, 0] - y) ** 2) == pytest.approx(after["loss"])


def test_sequential_params_and_backward_chain():
    model = nn.Sequential([nn.Conv1D(1, 2, 3, random_state=0), nn.ReLU(), nn.Flatten(), nn.Linear(12, 1)])
    assert len(model) == 4
    assert sorted(model.params) == ["0.bias", "0.weight", "3.bias", "3.weight"]
    x = np.ones((2, 1, 8), dtype=np.float32)
    out = model.forward(x)
    assert model.backward(np.ones_like(out)).shape == x.shape
    assert model.grads["3.weight"].any()
    nn.Adam().zero_grad(model)
    assert not model.grads["3.weight"].any()


BAD_FIT = [
    ({"loss": "hinge"}, ValueError, "loss"),
    ({"optimizer": "rmsprop"}, ValueError, "optimizer"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"lr": -1.0}, ValueError, "lr"),
    ({"shuffle": "yes"}, TypeError, "shuffle"),
    ({"progress": 1}, TypeError, "progress"),
    ({"validation_data": np.ones(3)}, TypeError, "validation_data"),
    ({"random_state": "seed"}, TypeError, "random_state"),
]


@pytest.mark.parametrize(("kwargs", "error", "name"), BAD_FIT, ids=[b[2] for b in BAD_FIT])
def test_fit_bad_arguments(kwargs, error, name):
    model = nn.Sequential(nn.Conv1D(1, 2, 3, random_state=0), nn.GlobalAvgPool1D(), nn.Linear(2, 2))
    X = np.ones((4, 1, 8), dtype=np.float32)
    with pytest.raises(error, match=f"`{name}"):
        model.fit(X, np.array([0, 1, 0, 1]), **{"progress": False, **kwargs})


def test_fit_bad_data():
    model = nn.Sequential(nn.Conv1D(1, 2, 3, random_state=0), nn.GlobalAvgPool1D(), nn.Linear(2, 2))
    X = np.ones((4, 1, 8), dtype=np.float32)
    with pytest.raises(ValueError, match="`y`"):
        model.fit(X, np.array([0, 1, 0]), progress=False)
    with pytest.raises(ValueError, match="`y`"):
        model.fit(X, np.array([0, 1, 0, 2]), progress=False)  # 3 classes for 2 outputs
    with pytest.raises(ValueError, match="`X`"):
        model.fit(np.ones(4), np.array([0, 1, 0, 1]), progress=False)
    with pytest.raises(ValueError, match="`x`"):
        model.fit(np.ones((4, 2, 8)), np.array([0, 1, 0, 1]), progress=False)
    with pytest.raises(ValueError, match="`y`"):
        model.fit(X, np.ones((4, 3)), loss="mse", progress=False)
    with pytest.raises(ValueError, match="`y`"):
        model.evaluate(X, np.ones(4), loss="mse")
    with pytest.raises(TypeError, match=r"`layers\[1\]`"):
        nn.Sequential(nn.ReLU(), "relu")
