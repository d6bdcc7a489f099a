"""Queued prompts share their prefill pass's all-reduces (engine.inference.prefill_comm_seconds): a serving engine
batches queued prompts into one forward pass of up to PREFILL_PASS_TOKENS tokens, so each of the pass's 2 x layers
tensor-parallel all-reduces pays its latency once for all of them; a request pays its tokens' share of that latency
and its own traffic. SERVING_GPUS' replica and a "TP" layout's charge it."""

from __future__ import annotations

import numpy as np
import pytest

from flopsheet import functions as F
from flopsheet.engine import inference
from flopsheet.engine.inference import comm_seconds, prefill_comm_seconds
from flopsheet.engine.moe import PREFILL_PASS_TOKENS
from flopsheet.functions import layout

# Llama 4 Maverick's shape (48 layers of width 5,120) on eight GPUs of 1,800 GB/s NVLink, 20 us an all-reduce
MAVERICK = dict(layers=48, d_model=5120, gpus=8, interconnect_gbs=1800.0, allreduce_us=20.0)


def _args(prompt, **kw):
    k = dict(MAVERICK, **kw)
    return k["layers"], k["d_model"], prompt, k["gpus"], k["interconnect_gbs"], k["allreduce_us"]


def test_a_short_prompt_pays_its_share_of_the_pass_latency_and_its_own_traffic():
    assert PREFILL_PASS_TOKENS == 8192.0
    # by hand: 96 all-reduces, each 20 us x 128 / 8,192 of latency plus a ring's 2 x 7/8 x 128 x 5,120 x 2 bytes
    # over one direction of the link (900 GB/s)
    traffic = 2.0 * 7.0 / 8.0 * 128 * 5120 * 2.0 / 900e9
    expected = 96 * (20e-6 * 128 / 8192 + traffic)
    assert prefill_comm_seconds(*_args(128)) == pytest.approx(expected, rel=1e-12)
    alone = float(comm_seconds(*_args(128)))  # the prompt as a pass of its own: the whole latency
    assert alone == pytest.approx(96 * (20e-6 + traffic), rel=1e-12)
    # 2.17 ms (1.92 of it latency) against 0.27 ms (0.03 of it latency)
    assert alone / float(prefill_comm_seconds(*_args(128))) > 7


def test_a_prompt_as_long_as_the_pass_or_longer_is_its_own_pass():
    for prompt in (8192.0, 20000.0):
        assert float(prefill_comm_seconds(*_args(prompt))) == pytest.approx(float(comm_seconds(*_args(prompt))))


def test_one_gpu_a_plain_count_or_no_prompt_has_none():
    assert float(prefill_comm_seconds(*_args(128, gpus=1))) == 0.0
    assert float(prefill_comm_seconds(*_args(128, layers=0))) == 0.0
    assert float(prefill_comm_seconds(*_args(0.0))) == 0.0


def test_it_is_elementwise_over_a_range_of_prompts():
    prompts = np.array([128.0, 1000.0, 8192.0, 20000.0])
    got = prefill_comm_seconds(*_args(prompts))
    assert np.allclose(got, [float(prefill_comm_seconds(*_args(float(p)))) for p in prompts], rtol=1e-12)
    assert np.all(np.diff(got) > 0)  # longer prompts still cost more


def test_serving_gpus_and_a_tp_layout_charge_it(monkeypatch):
    """SERVING_GPUS for short requests on eight GPUs: 1,016 GPUs, 2,768 when each 128-token prompt paid its 96
    all-reduce latencies alone (the charge before); LAYOUT_TOKENS_PER_SECOND of a "TP8" layout is SERVING_GPUS'
    replica and moves with it."""
    args = (1e10, 128, 128, "Llama 4 Maverick", "B200", 8, 1e7, 1, None, 0.5, None, None, "fp4")
    shared = F.SERVING_GPUS(*args)
    tp = layout.ep_serving("Llama 4 Maverick", "B200", "TP8", 128, 128, precision="fp4", latency_ms=1e7)
    whole = lambda layers, d, p, g, link, us: comm_seconds(layers, d, p, g, link, us)  # noqa: E731
    monkeypatch.setattr(inference, "prefill_comm_seconds", whole)
    monkeypatch.setattr(layout, "prefill_comm_seconds", whole)
    inference._BLANKS[:] = [None, None]
    alone = F.SERVING_GPUS(*args)
    tp_alone = layout.ep_serving("Llama 4 Maverick", "B200", "TP8", 128, 128, precision="fp4", latency_ms=1e7)
    assert shared == 1016 and alone == 2768
    assert tp["prefill_s"] < tp_alone["prefill_s"] / 4  # 0.52 ms against 2.41 ms a request
    assert tp["tokens_per_s"] > 1.5 * tp_alone["tokens_per_s"]
