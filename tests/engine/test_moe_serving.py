"""Mixture-of-experts kernels on the tensor-parallel serving path (issue 20, item 5): the routed experts' grouped
GEMMs run at the tokens each expert receives (engine.moe.routed_gemm_flops, DeepGEMM's masked-layout table), in a
decode step, a prefill and SERVING_GPUS' prefill pass; a dense model is untouched."""

import numpy as np
import pytest

from flopsheet import engine
from flopsheet import functions as F
from flopsheet.engine import inference, moe


def test_the_grouped_gemm_efficiency_is_deepgemms_table():
    # DeepGEMM README (deepseek-ai/DeepGEMM at its first release, H800, FP8): masked-layout grouped GEMMs with N 4096,
    # K 7168 reach 932, 1040 and 1233 TFLOPS at 256, 512 and 1024 tokens an expert against 1288-1297 contiguous
    measured = {256: 932 / 1293, 512: 1040 / 1293, 1024: 1233 / 1293}
    for m, share in measured.items():
        assert moe.grouped_gemm_efficiency(float(m)) == pytest.approx(share, abs=0.06)
    # more tokens an expert, nearer the large GEMM's rate
    effs = [moe.grouped_gemm_efficiency(m) for m in (1.0, 8.0, 64.0, 256.0, 4096.0)]
    assert effs == sorted(effs) and effs[-1] > 0.97


def test_tokens_an_expert_receives():
    assert moe.expert_tokens(8 / 128, 1.0) == pytest.approx(1.0)  # one token: its own experts, one token each
    assert moe.expert_tokens(8 / 128, 1024.0) == pytest.approx(1024 * 8 / 128, rel=1e-9)  # every expert is run
    assert moe.expert_tokens(0.0, 1024.0) == 0.0  # dense
    # between: the tokens over the experts some token picks (DeepSeek-V3, batch 64: 2 a mean expert, 2.3 a run one)
    assert moe.expert_tokens(8 / 256, 64.0) == pytest.approx(64 * 8 / 256 / (1 - (1 - 8 / 256) ** 64))


def test_each_expert_a_pass_runs_costs_the_half_tokens_more_rows():
    # routed_gemm_flops = dense + share x routed / efficiency(m), minus the 2 x params x tokens computed
    params, total, share = 3.3e9, 30.5e9, 8 / 128  # Qwen3-30B-A3B
    dense, routed = (float(x) for x in moe.moe_split(params, total, share))
    for tokens in (1.0, 16.0, 1024.0, 65536.0):
        m = float(moe.expert_tokens(share, tokens))
        slow = 2 * tokens * (dense + share * routed / moe.grouped_gemm_efficiency(m))
        assert 2 * params * tokens + float(moe.routed_gemm_flops(params, total, share, tokens)) == pytest.approx(slow)
    # Qwen3-30B-A3B at a batch of 1,024: 64 tokens an expert, 0.39 of the rate: its GEMMs compute as 6.1B a token
    extra = float(inference.routed_gemm_flops(params, total, share, 1024.0))
    assert params + extra / (2 * 1024) == pytest.approx(6.13e9, rel=0.01)


def test_the_scalar_path_gives_the_array_numbers():
    for args in ((37e9, 671e9, 8 / 256, 64.0), (3.3e9, 30.5e9, 8 / 128, 1024.0), (12.9e9, 46.7e9, 0.25, 1.0)):
        scalar = inference.routed_gemm_flops(*args)
        array = inference.routed_gemm_flops(*(np.asarray(a) for a in args))
        assert scalar == float(array)
    assert inference.routed_gemm_flops(8e9, 0.0, 0.0, 64.0) == 0.0  # dense
    assert inference.routed_gemm_flops(37e9, 671e9, 8 / 256, 0.0) == 0.0  # an empty pass


def test_a_dense_model_is_untouched(monkeypatch):
    calls = [
        lambda: F.DECODE_MS("Llama 3.1 70B", "H100", 256, 1, 4, precision="fp8"),
        lambda: F.TTFT_SECONDS("Llama 3.1 70B", 4096, "H100", 8, 1, 4, precision="fp8"),
        lambda: F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 4, bytes_per_param=1, precision="fp8"),
        lambda: F.DECODE_MS("70B", "H100", 256, 1, 4, 0),
    ]
    before = [c() for c in calls]
    monkeypatch.setattr(moe, "GROUPED_GEMM_HALF_TOKENS", 1e6)  # any loss of the grouped GEMMs: no change
    assert [c() for c in calls] == before


def test_a_mixture_of_experts_step_grows_as_the_tokens_an_expert_receives_fall():
    # 3B active a token (1.5B dense, 1.5B of routed experts) at a compute-bound batch (memory made ample): the more
    # experts the routed weights are spread over (the same FLOPs a token, fewer tokens each expert), the longer the
    # step; a dense 3B model is the fastest, and the gap closes as the batch grows
    def step(share, batch=2048.0):
        total = 1.5e9 + 1.5e9 / share
        return engine.decode_ms(3e9, 2250, 1000, 10000, batch, 0.5, 1, total_params=total, expert_share=share)

    steps = [step(s) for s in (8 / 16, 8 / 32, 8 / 64, 8 / 128, 8 / 256)]
    assert steps == sorted(steps) and steps[-1] > 1.5 * steps[0]
    dense = engine.decode_ms(3e9, 2250, 1000, 10000, 2048, 0.5, 1)
    assert dense < steps[0]
    big = engine.decode_ms(3e9, 2250, 1000, 10000, 65536, 0.5, 1)
    assert step(8 / 128, 65536.0) / big < step(8 / 128) / dense


def test_serving_prefill_runs_a_full_pass_of_queued_prompts():
    # SERVING_GPUS' prefill: queued prompts batched to the engines' 8,192-token pass (TensorRT-LLM max_num_tokens,
    # vLLM max_num_batched_tokens), so a 1,000-token prompt's experts see 8,192 x 8 / 128 = 512 tokens each; a longer
    # prompt is a pass of its own
    assert moe.PREFILL_PASS_TOKENS == 8192.0
    p = inference.serving_prefill_params
    short, full = p(3.3e9, 30.5e9, 8 / 128, 1000.0), p(3.3e9, 30.5e9, 8 / 128, 8192.0)
    assert short == full and 3.3e9 < full < 3.3e9 * 1.5
    assert p(3.3e9, 30.5e9, 8 / 128, 32768.0) < full  # more tokens an expert
    assert p(70e9, 0.0, 0.0, 1000.0) == 70e9  # dense
    # a time to first token prices its own pass: one 128-token prompt gives each expert 8 tokens, far below the rate
    one = F.TTFT_SECONDS("Qwen3 30B-A3B", 128, "H100", 1, 2, 1)
    many = F.TTFT_SECONDS("Qwen3 30B-A3B", 128, "H100", 64, 2, 1)
    assert many < 64 * one / 2
