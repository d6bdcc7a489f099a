"""The routed experts' width cost (engine.moe.EXPERT_WIDTH_HALF, issue 20): a mixture of experts' routed work runs at
w / (w + EXPERT_WIDTH_HALF) of a dense GEMM's rate for experts w wide, on the tensor-parallel path (routed_gemm_flops)
and the expert-parallel one (expert_parallel_seconds); the width is worked out from the catalog's counts; a dense
model and a plain parameter count pay nothing."""

import numpy as np
import pytest

from flopsheet import functions as F
from flopsheet.engine import inference, moe
from flopsheet.functions import MODEL_FIGURES
from flopsheet.functions.declaration import model_figure
from flopsheet.models import resolve


def _routed(name):
    row = resolve(name)
    return (row.total_params - row.active_params) / (1 - row.experts_per_token / row.experts), row


@pytest.mark.parametrize(
    "name, width",
    # each model's published expert width (its configuration's moe_intermediate_size / intermediate_size)
    [("DeepSeek-V3", 2048), ("Qwen3 30B-A3B", 768), ("Qwen3 235B-A22B", 1536), ("Mixtral 8x7B", 14336)]
    + [("gpt-oss-120b", 2880), ("Kimi K2", 2048), ("GLM-4.5-Air", 1408), ("Llama 4 Maverick", 8192)],
)
def test_the_width_from_the_catalogs_counts_is_the_published_one(name, width):
    routed, row = _routed(name)
    got = moe.expert_width(routed, row.experts, row.moe_layers, row.d_model)
    assert got == pytest.approx(width, rel=0.03)  # the counts are rounded (37B, 671B) and include routers' weights
    cost = model_figure(row, "expert_cost", "params")
    assert cost == pytest.approx(moe.EXPERT_WIDTH_HALF / got, rel=1e-12)


def test_a_dense_model_or_a_number_has_no_width_cost():
    assert "expert_cost" in MODEL_FIGURES
    assert model_figure(resolve("Llama 3.1 70B"), "expert_cost", "params") == 0.0
    assert moe.expert_cost(0.0) == 0.0 and moe.expert_width(0.0, 0.0, 0.0, 0.0) == 0.0
    assert moe.expert_cost(np.array([0.0, 2048.0])).tolist() == [0.0, 1.0]
    # a plain parameter count: DECODE_MS("37B", ...) is a dense 37B model, whatever the width cost
    assert F.DECODE_MS("37B", "H200", 64, 1, 8) == pytest.approx(1.50, abs=0.01)


def test_the_width_cost_is_the_routed_work_times_it():
    params, total, share = 3.3e9, 30.5e9, 8 / 128  # Qwen3-30B-A3B
    _, routed = moe.moe_split(params, total, share)
    for tokens in (1.0, 64.0, 8192.0):
        plain = inference.routed_gemm_flops(params, total, share, tokens)
        wide = inference.routed_gemm_flops(params, total, share, tokens, 2.5)
        assert wide - plain == pytest.approx(2 * share * float(routed) * tokens * 2.5, rel=1e-12)
        array = inference.routed_gemm_flops(*(np.asarray(a) for a in (params, total, share, tokens, 2.5)))
        assert float(array) == pytest.approx(wide, rel=1e-12)  # the scalar path is engine.moe's arithmetic
    assert inference.routed_gemm_flops(8e9, 0.0, 0.0, 64.0, 3.0) == 0.0  # dense: no routed work to slow
    # total below active (never a catalog model's): no routed experts, never a negative cost
    assert inference.routed_gemm_flops(1e6, 1.0, 0.5, 8192.0, 1.0) == 0.0


def test_narrower_experts_make_a_compute_bound_step_slower():
    # one model shape, its routed parameters cut into 8 or 128 experts of the same total: at a batch of 4,096 on one
    # B200 in FP8 the finer experts' step is slower by their work's extra cost, the coarser's by less
    gpu = dict(peak_tflops=4500.0, bandwidth_tbs=8.0, memory_gb=180.0, bytes_per_param=1.0, peak_share=0.75)
    model = dict(params=3.3e9, total_params=30.5e9, expert_share=8 / 128, layers=48.0, d_model=2048.0)
    steps = {}
    for width in (768.0, 12288.0, 0.0):
        s = inference.serving_setup(dict(gpu, **model, expert_cost=moe.expert_cost(width)))
        steps[width] = float(inference.decode_ms_unchecked(s, 4096.0, 0.0))
    assert steps[768.0] > steps[12288.0] > steps[0.0]
    # the difference is the routed work at the step's GEMM rate, times the cost
    s = inference.serving_setup(dict(gpu, **model))
    _, routed = moe.moe_split(3.3e9, 30.5e9, 8 / 128)
    work = 2 * 8 / 128 * float(routed) * 4096
    rate = s.gpus * s.peak_tflops * 1e12 * float(inference.gemm_mfu(s.mfu, s.prefill_mfu, 4096.0))
    assert steps[768.0] - steps[0.0] == pytest.approx(work * 2048 / 768 / rate * 1e3, rel=1e-9)


def test_it_reaches_every_serving_function_through_the_model_name():
    # the catalog model's figure is what the functions pass: Qwen3-30B-A3B's prefill slows by its experts' cost
    import flopsheet.functions.declaration as declaration

    def both():
        return [F.TTFT_SECONDS(m, 8192, "B200", 1, 1, 1, precision="fp8") for m in ("Qwen3 30B-A3B", "Llama 3.1 8B")]

    (moe_now, dense_now) = both()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(moe, "EXPERT_WIDTH_HALF", 0.0)
        declaration._MEMO.clear()  # the model figures the functions remember
        (moe_without, dense_without) = both()
    declaration._MEMO.clear()
    assert moe_now > 1.5 * moe_without  # 768-wide experts: their work at 0.27 of the rate
    assert dense_now == dense_without
