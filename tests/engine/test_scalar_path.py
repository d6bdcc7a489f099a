"""The serving formulas' scalar path (one Python float per argument, as run_scalar hands them)
chooses with `if` instead of np.where/np.maximum/np.clip (SERVING_GPUS' bisection included). It
must give the very numbers the numpy expressions give: compared bit for bit with the same formulas forced onto their
array code (`_plain` patched to say "not plain"), which is what every scalar call ran before.
Work is bounded by counting the array calls a scalar call makes (none), never by timing."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from flopsheet import engine
from flopsheet.engine import inference
from flopsheet.functions import REGISTRY as F


def _case(rng: random.Random) -> dict:
    moe = rng.random() < 0.5
    return dict(
        params=rng.uniform(1e9, 7e10),
        peak_tflops=rng.choice([312.0, 989.5, 2250.0]),
        bandwidth_tbs=rng.choice([2.0, 3.35, 8.0]),
        memory_gb=rng.choice([80.0, 141.0, 192.0]) * 8,
        bytes_per_param=rng.choice([2.0, 1.0, 0.5]),
        gpus=float(rng.choice([1, 2, 4, 8])),
        bw_efficiency=rng.uniform(0.3, 1.0),
        mfu=rng.uniform(0.2, 0.8),
        total_params=rng.uniform(7e10, 7e11) if moe else 0.0,
        expert_share=rng.choice([8 / 256, 2 / 8, 1 / 16]) if moe else 0.0,
        layers=float(rng.choice([0, 32, 61, 80])),
        d_model=float(rng.choice([0, 4096, 7168, 8192])),
        interconnect_gbs=rng.choice([0.0, 900.0, 1800.0]),
        allreduce_us=rng.choice([0.0, 8.0, 20.0]),
    )


def _decode_step(batch, kv_gb, **kw):
    return inference.decode_ms_unchecked(inference.serving_setup(kw), batch, kv_gb)


def _largest_batch(kv_gb_per_sequence, latency_ms, **kw):
    return inference.largest_batch(inference.serving_setup(kw), kv_gb_per_sequence, latency_ms)


def _calls(rng: random.Random):
    """(formula, keyword floats) pairs over the serving formulas, dense and mixture-of-experts."""
    for _ in range(150):
        c = _case(rng)
        batch, kv = float(rng.randint(1, 512)), rng.choice([0.0, 1.5, 20.0])
        prompt, output = float(rng.choice([1, 100, 4096])), float(rng.choice([1, 300]))
        decode = dict(c, batch=batch, kv_gb=kv)
        yield _decode_step, decode
        yield engine.decode_ms.formula.fn, decode
        yield engine.tokens_per_second.formula.fn, decode
        yield (
            engine.response_seconds.formula.fn,
            dict(decode, prompt_tokens=prompt, output_tokens=output, attn_dim=c["d_model"]),
        )
        yield engine.ttft_seconds.formula.fn, dict(c, batch=batch, prompt_tokens=prompt, attn_dim=c["d_model"])
        yield (
            engine.itl_ms.formula.fn,
            dict(
                decode,
                prompt_tokens=prompt,
                output_tokens=output,
                attn_dim=c["d_model"],
                host_us=rng.choice([0.0, 68.0, 500.0]),
            ),
        )
        per_seq = rng.choice([0.0, 0.01, 0.4, 5.0])
        latency = rng.choice([5.0, 20.0, 50.0, 200.0])
        yield _largest_batch, dict(c, kv_gb_per_sequence=per_seq, latency_ms=latency)
        yield (
            engine.serving_gpus.formula.fn,
            dict(
                c,
                requests_per_day=rng.choice([0.0, 1e3, 1e6, 3.3e7]),
                prompt_tokens=prompt,
                output_tokens=output,
                latency_ms=latency,
                peak_factor=2.0,
                kv_gb_per_sequence=per_seq,
                attn_dim=c["d_model"],
            ),
        )
        yield (
            engine.cost_per_mtok.formula.fn,
            dict(
                decode,
                usd_per_gpu_hour=2.5,
                output_share=rng.random(),
                load=rng.uniform(0.3, 1.0),
                attn_dim=c["d_model"],
                prompt_tokens=prompt,
            ),
        )


def test_scalar_path_gives_the_numpy_expressions_numbers_bit_for_bit(monkeypatch):
    rng = random.Random(7)
    cases = list(_calls(rng))
    fast = [float(fn(**kw)) for fn, kw in cases]
    monkeypatch.setattr(inference, "_plain", lambda *xs: False)  # every helper on its numpy code
    slow = [float(fn(**kw)) for fn, kw in cases]
    assert len(fast) == 9 * 150
    mismatched = [
        (fn.__name__, kw, a, b)
        for (fn, kw), a, b in zip(cases, fast, slow)
        if not (a == b or (math.isnan(a) and math.isnan(b)))
    ]
    assert mismatched == []


class _CountingNumpy:
    """numpy, counting the calls that build arrays (what the scalar path avoids)."""

    WATCHED = {"where", "maximum", "clip", "ones_like", "zeros_like", "asarray"}

    def __init__(self):
        self.calls: list[str] = []

    def __getattr__(self, name):
        real = getattr(np, name)
        if name in self.WATCHED:

            def counted(*a, **k):
                self.calls.append(name)
                return real(*a, **k)

            return counted
        return real


@pytest.mark.parametrize(
    "name, args",
    [
        ("DECODE_MS", ("Llama 3.1 70B", "H100", 8.0, 2.0, 2.0)),
        ("DECODE_MS", ("Llama 3.1 70B", "H100", 8.0)),  # blank gpus and kv_gb (issue 20)
        ("TOKENS_PER_SECOND", ("Llama 3.1 70B", "H100", None, 2.0, 4.0)),  # the serving batch
        ("DECODE_MS", ("DeepSeek-V3", "H200", 64.0, 1.0, 8.0)),
        ("TTFT_SECONDS", ("70B", 4096.0, "H100", 1.0, 2.0, 4.0)),
        ("RESPONSE_SECONDS", ("Mixtral 8x7B", 20.0, 300.0, "A100", 8.0, 2.0, 2.0)),
        ("TOKENS_PER_SECOND", ("8B", "H100", 64.0)),
        ("SERVING_GPUS", (1e6, 1000.0, 300.0, "Llama 3.1 70B", "H100", 4.0, 50.0, 2.0, 0.4)),
        ("SERVING_GPUS", (1e6, 1000.0, 300.0, "DeepSeek-V3", "H200", 8.0, 50.0, 2.0, 0.1, 1.0)),
        ("COST_PER_MTOK", ("70B", "H100", 2.5, "blended", 1.0, 64.0, 2.0, 4.0)),
    ],
)
def test_a_scalar_serving_call_builds_no_array(name, args, monkeypatch):
    expected = F[name](*args)
    counting = _CountingNumpy()
    monkeypatch.setattr(inference, "np", counting)
    assert F[name](*args) == expected and math.isfinite(expected)
    assert counting.calls == []
    # the same formula over a range still takes its numpy code (and is counted there)
    col = [[[a], [a]] if isinstance(a, float) else a for a in args]
    out = F[name](*col)
    assert np.shape(out) == (2, 1) and counting.calls
