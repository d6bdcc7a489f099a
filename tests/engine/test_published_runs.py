"""Issue 13's proof: published training runs and serving figures, each with its source.

Training runs (the catalog carries each figure with its source; addin/flopsheet/models/models.csv):
- DeepSeek-V3: 2.788M H800 GPU-hours, 14.8T tokens, 37B active of 671B (arXiv:2412.19437, Table 1, §1).
- Llama 3.1 405B: 3.8e25 FLOPs, 30.84M H100-hours (Dubey et al. 2024, §3.3; model card).
- PaLM 540B: 2.527e24 FLOPs, MFU 46.2% on 6,144 TPU v4 (Chowdhery et al. 2022, §4, Table 3, appendix B).
- BLOOM 176B: 1.08M A100-hours (BigScience 2022, arXiv:2211.05100; model card).
- GPT-3: 3.14e23 FLOPs (Brown et al. 2020, Table D.1). Chinchilla 70B: 1.4T tokens (Hoffmann et al. 2022, Table 4).
"""

import pytest

from flopsheet import engine
from flopsheet import functions as F
from flopsheet.engine import inference, moe
from flopsheet.errors import FlopsheetError

# -- training: model names, goodput, implied utilisation ----------------------------------------


def test_model_names_give_published_training_compute():
    assert F.TRAIN_FLOPS("Llama 3.1 405B") == pytest.approx(3.8e25, rel=0.01)  # 6 x 405.85B x 15.6T
    assert F.TRAIN_FLOPS("PaLM 540B") == pytest.approx(2.527e24, rel=0.001)
    assert F.TRAIN_FLOPS("GPT-3") == pytest.approx(3.14e23, rel=0.005)  # 3.15e23 by 6ND
    assert F.TRAIN_FLOPS("DeepSeek-V3") == 6 * 37e9 * 14.8e12  # ACTIVE parameters, published tokens
    assert F.MODEL_SPEC("DeepSeek-V3", "training_tokens") == 14.8e12
    assert F.MODEL_SPEC("Chinchilla 70B", "training_tokens") == 1.4e12
    assert F.CHINCHILLA_TOKENS("Chinchilla 70B") == 1.4e12
    assert F.TRAIN_FLOPS("Llama 3.1 405B", "1T") == 6 * 405.85e9 * 1e12  # typed tokens win


def test_gpu_hours_with_every_optional_input_blank_land_near_llama_3_1():
    hours = F.GPU_HOURS(3.8e25, "H100")
    assert hours == pytest.approx(30.84e6, rel=0.10)
    assert hours == pytest.approx(33.47e6, rel=0.001)  # TRAIN_MFU 0.375 of the BF16 peak, goodput 0.85
    # the goodput applies whether mfu is typed or blank
    assert F.GPU_HOURS(3.8e25, "H100", engine.TRAIN_MFU) == hours
    assert F.GPU_HOURS(3.8e25, "H100", engine.TRAIN_MFU, "bf16", 1) == pytest.approx(hours * engine.DEFAULT_GOODPUT)


def test_implied_mfu_of_published_runs():
    # goodput 1: whole-run utilisation, downtime included
    llama = F.IMPLIED_MFU(3.8e25, 30.84e6, "H100", "bf16", 1)
    palm = F.IMPLIED_MFU(2.527e24, F.MODEL_SPEC("PaLM 540B", "gpu_hours"), "TPU v4", "bf16", 1)
    bloom = F.IMPLIED_MFU(6 * 176e9 * 366e9, 1.08e6, "A100", "bf16", 1)
    deepseek = F.IMPLIED_MFU(F.TRAIN_FLOPS("DeepSeek-V3"), 2.788e6, "H800", "bf16", 1)
    assert llama == pytest.approx(0.346, abs=0.001)
    assert palm == pytest.approx(0.304, abs=0.001)
    assert bloom == pytest.approx(0.319, abs=0.001)
    assert deepseek == pytest.approx(0.331, abs=0.001)
    # whole-run utilisation is MFU x goodput: PaLM's reported 0.462 implies a goodput of ~0.66
    assert palm / 0.462 == pytest.approx(0.66, abs=0.01)
    # and the default goodput is Llama 3.1's (0.346 over MFU 0.40), within the 38-43% it reports
    assert llama / 0.40 == pytest.approx(engine.DEFAULT_GOODPUT, abs=0.02)


def test_published_hours_are_reproduced_by_their_own_utilisation():
    for model, gpu, mfu in (("Llama 3.1 405B", "H100", 0.40), ("PaLM 540B", "TPU v4", 0.462)):
        flops, hours = F.MODEL_SPEC(model, "training_flops"), F.MODEL_SPEC(model, "gpu_hours")
        goodput = F.IMPLIED_MFU(flops, hours, gpu, "bf16", 1) / mfu
        assert F.GPU_HOURS(flops, gpu, mfu, "bf16", goodput) == pytest.approx(hours, rel=1e-9)


def test_goodput_is_a_fraction():
    with pytest.raises(FlopsheetError, match="GPU_HOURS: goodput must be > 0 and <= 1"):
        F.GPU_HOURS(3.8e25, "H100", 0.4, "bf16", 85)


# -- model names: number, magnitude, name, or a one-line error ---------------------------------


def test_model_argument_forms():
    assert F.WEIGHTS_GB("DeepSeek-V3", 1) == 671  # total parameters, every expert
    assert F.WEIGHTS_GB("175B") == 350 and F.WEIGHTS_GB(175e9) == 350  # magnitudes stay numbers
    with pytest.raises(FlopsheetError, match='did you mean "Llama 3.1 405B"'):
        F.WEIGHTS_GB("Lama 3.1 405B")
    with pytest.raises(FlopsheetError, match="tokens is required .* unless params is a catalog model name"):
        F.TRAIN_FLOPS("175B")
    with pytest.raises(FlopsheetError, match="params must be a number or a model name, not TRUE"):
        F.WEIGHTS_GB(True)


# -- MoE decode, fit, latent KV cache ------------------------------------------------------------


def test_deepseek_v3_decode_on_8_h200_fp8():
    # kv_gb = 0: the weights alone, as the issue worked it out (blank is the model's own cache since issue 20)
    one = F.DECODE_MS("DeepSeek-V3", "H200", 1, 1, 8, 0, allreduce_us=8)
    full = F.DECODE_MS("DeepSeek-V3", "H200", 64, 1, 8, 0, allreduce_us=8)
    # batch 64 touches 1 - (1 - 8/256)^64 = 86.9% of the routed experts: 16.5B + 654.5B x 0.869 = 585B
    assert engine.weights_read(37e9, 671e9, 8 / 256, 64) == pytest.approx(585e9, rel=0.002)
    assert engine.decode_ms(37e9, 1979, 4.8, 141, 64, 1, 8, total_params=671e9, expert_share=8 / 256) == pytest.approx(
        19.0, abs=0.1
    )  # the issue's ~19 ms
    launch = 61 * inference.DEFAULT_LAYER_US / 1e3  # a forward pass's fixed cost per layer: 3.05 ms
    # 61 layers x 2 all-reduces of 8 us and a ring's 2 x 7/8 x 64 tokens x 7168 x 2 bytes over 450 GB/s (ms)
    comm = 61 * 2 * (8e-3 + 2 * 7 / 8 * 64 * 7168 * 2 / (900e9 / 2) * 1e3)
    # reading the weights the batch touches: 585 GB over 8 x 4.8 TB/s x 0.8, the 19 ms (20.46 ms with the
    # all-reduces) is no longer the step: at batch 64 each routed expert some token picks receives 64 x 8 / 256 / 0.869
    # = 2.3 tokens, and its grouped GEMM runs at 2.3 / 102.3 of the step's GEMM rate (engine.moe.routed_gemm_flops:
    # DeepGEMM's masked-layout table), 100 rows more than it has: 2 x 100 x 654.5B x 0.869 FLOPs more than the
    # 2 x 37B x 64, so the 20.5B routed parameters of a token compute as 909B; and their work runs at the 2,050-wide
    # experts' share of the rate (engine.moe.EXPERT_WIDTH_HALF: 2,048 / 2,050 more, 20.4B a token more); at 8 x 989.5
    # TFLOP/s (the BF16 peak: no precision typed) x 0.4, 38.2 ms
    extra = float(inference.routed_gemm_flops(37e9, 671e9, 8 / 256, 64.0))
    assert extra == pytest.approx(2 * 100 * 654.5e9 * 0.869, rel=0.002)
    assert extra / (2 * 64) == pytest.approx(20.45e9 / (2.3 / 102.3) - 20.45e9, rel=0.01)
    routed = (671e9 - 37e9) / (1 - 8 / 256)
    cost = moe.expert_cost(moe.expert_width(routed, 256, 58, 7168))  # 256 experts in 58 layers of 7,168
    assert cost == pytest.approx(2048 / 2050, rel=1e-3)
    width = float(inference.routed_gemm_flops(37e9, 671e9, 8 / 256, 64.0, cost)) - extra
    assert width == pytest.approx(2 * 8 / 256 * routed * 64 * cost, rel=1e-9)
    compute_ms = (2 * 37e9 * 64 + extra + width) / (8 * 989.5e12 * 0.4) * 1e3
    assert full - launch == pytest.approx(compute_ms + comm, rel=1e-6)
    assert full - launch == pytest.approx(39.65, abs=0.05)
    # one sequence: its 8 experts get one token each, 1 / 101 of the rate, 1.32 ms of compute against 1.20 ms reading
    # the 37B it uses; before the expert term the read bound it (2.19 ms with the all-reduces)
    assert one - launch == pytest.approx(2.31, abs=0.01)
    # the default fixed cost per all-reduce (calibrated on small-batch runs) adds 61 x 2 x (20 - 8) us
    more = F.DECODE_MS("DeepSeek-V3", "H200", 64, 1, 8, 0) - full
    assert more == pytest.approx(61 * 2 * (engine.DEFAULT_ALLREDUCE_US - 8) / 1e3, rel=1e-9)
    assert F.DECODE_MS("37B", "H200", 64, 1, 8) == pytest.approx(1.50, abs=0.01)  # a bare count: the 1.5 ms


def test_deepseek_v3_fits_on_8_h200_not_on_1():
    # usable memory: 0.9 of each GPU (671 / 126.9 = 5.3): 6 by memory, but 6 does not divide its 128 heads
    with pytest.raises(
        FlopsheetError,
        match=r"weights \(671 GB\) do not fit in 1 x 126.9 GB \(the usable 0.9 of 141 GB\); use gpus >= 8",
    ):
        F.DECODE_MS("DeepSeek-V3", "H200", 64, 1, 1, 0)
    assert F.DECODE_MS("DeepSeek-V3", "H200", 64, 1, 8) > 0


def test_kv_cache_of_a_model():
    # MLA: 512 + 64 values per token per layer, 61 layers, BF16, 128k tokens
    assert F.KV_CACHE_GB("DeepSeek-V3", 128000) == pytest.approx(576 * 61 * 2 * 128000 / 1e9)
    assert F.KV_CACHE_GB("Kimi K2", 128000) == pytest.approx(576 * 61 * 2 * 128000 / 1e9)
    # GQA: Llama 3.1 70B, 80 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes
    llama = F.KV_CACHE_GB("Llama 3.1 70B", 128000)
    assert llama == pytest.approx(F.KV_CACHE_GB(80, 8, 128, 128000))
    # 16 tensor-parallel GPUs for 8 KV heads: each head is held twice
    assert F.KV_CACHE_GB("Llama 3.1 70B", 128000, 1, 2, 16) == pytest.approx(2 * llama)
    assert F.KV_CACHE_GB(80, 8, 128, 128000, 1, 2, 16) == pytest.approx(2 * llama)
    assert F.KV_CACHE_GB(80, 8, 128, 128000, 1, 2, 8) == pytest.approx(llama)
    # the MLA latent is held whole on every tensor-parallel GPU
    assert F.KV_CACHE_GB("DeepSeek-V3", 128000, 1, 2, 8) == pytest.approx(8 * F.KV_CACHE_GB("DeepSeek-V3", 128000))
    # sliding-window layers hold at most the window
    gemma = F.KV_CACHE_GB("Gemma 2 27B", 128000)
    assert gemma < F.KV_CACHE_GB(46, 16, 128, 128000)
    with pytest.raises(FlopsheetError, match="GPT-3 175B has no sliding_layers"):
        F.KV_CACHE_GB("GPT-3", 2048)  # banded layers of unpublished width: refused, not guessed


# -- tensor parallelism, prefill, TTFT -----------------------------------------------------------


def test_llama_2_70b_on_8_h100_decode_with_all_reduces():
    # flopsheet before issue 13: 6.5 ms; llm-analysis 8.0 and GenZ 9.1 (issue 13)
    assert F.DECODE_MS("69B", "H100", 1, 2, 8) == pytest.approx(6.44, abs=0.01)  # a bare count: unchanged
    tp = F.DECODE_MS("Llama 2 70B", "H100", 1, 2, 8, 0, allreduce_us=8)  # kv_gb = 0: the weights alone
    launch = 80 * inference.DEFAULT_LAYER_US / 1e3  # a forward pass's fixed cost per layer: 4 ms
    assert tp - launch == pytest.approx(7.72, abs=0.02)  # 160 all-reduces x ~8 us on top
    # at the default (20 us an all-reduce, calibrated on small-batch runs) 160 x 12 us more
    assert F.DECODE_MS("Llama 2 70B", "H100", 1, 2, 8, 0) - tp == pytest.approx(160 * 0.012, rel=1e-6)
    assert F.DECODE_MS("Llama 2 70B", "H100", 1, 2, 8, 0, allreduce_us=0) - launch < 6.6
    with pytest.raises(FlopsheetError, match="interconnect bandwidth is not in the catalog"):
        F.DECODE_MS("Llama 2 70B", "TPU v4", 1, 2, 8)


def test_prefill_attention_and_memory_floor():
    # GPT-3's 20-token prompt on 8 A100s: 4.3 ms of compute at 0.65 of the peak but ~27 ms of weight reads; the two
    # overlap but for PREFILL_EXPOSED_SHARE of the shorter
    ttft = F.TTFT_SECONDS("175B", 20, "A100", 1, 2, 8)
    compute = 2 * 175e9 * 20 / (8 * 312e12 * inference.DEFAULT_PREFILL_MFU)
    read = 350e9 / (8 * 2.039e12 * 0.8)
    assert ttft == pytest.approx(read + inference.PREFILL_EXPOSED_SHARE * compute, rel=1e-3)
    # causal attention, 2 x L x heads x head_dim x p^2, on top of 2N per token: Llama 3.1 70B (80 layers,
    # 64 heads of 128) on one H100 in FP8 (one GPU: no all-reduce) adds 80 x 8192 x p / 70.6B
    n = F.MODEL_SPEC("Llama 3.1 70B", "active_params")
    # (both less the exposed share of the weights' one read, the same for both: the GEMMs are the longer phase)
    read = inference.PREFILL_EXPOSED_SHARE * n / (3.35e12 * 0.8)
    base = {p: F.TTFT_SECONDS(n, p, "H100", 1, 1, 1) - read for p in (4096, 32768, 131072)}
    # (less the named model's fixed cost per layer of the pass, which a bare count has no layers for)
    named = {
        p: F.TTFT_SECONDS("Llama 3.1 70B", p, "H100", 1, 1, 1) - 80 * inference.DEFAULT_LAYER_US * 1e-6 - read
        for p in base
    }
    for p in base:
        assert named[p] / base[p] - 1 == pytest.approx(80 * 8192 * p / n, rel=1e-9)
    assert named[131072] / base[131072] - 1 == pytest.approx(1.22, abs=0.01)
    # PaLM 540B: heads x head_dim = 48 x 256 = 12,288, not d_model 18,432 (1.5x less attention)
    assert F.MODEL_SPEC("PaLM 540B", "heads") * F.MODEL_SPEC("PaLM 540B", "head_dim") == 12288
    palm = F.INFER_FLOPS("PaLM 540B", 2048, 0) - 2 * 540.35e9 * 2048
    assert palm == pytest.approx(2 * 118 * 12288 * 2048**2)
    assert F.INFER_FLOPS("PaLM 540B", 2048, 0, 118, 18432) - 2 * 540.35e9 * 2048 == pytest.approx(1.5 * palm)
    assert F.INFER_FLOPS("175B", 20, 300) == 1.12e14  # a plain count: no attention term, as before
    # with tensor parallelism the prompt's activations cross the links (and each all-reduce has its fixed
    # cost): 4 H100s, 4k prompt, +~23%, of which attention is +3.8%
    tp = F.TTFT_SECONDS("Llama 3.1 70B", 4096, "H100", 1, 2, 4) / F.TTFT_SECONDS("70.6B", 4096, "H100", 1, 2, 4)
    assert 1.18 < tp < 1.28
    assert F.TTFT_SECONDS("Llama 3.1 70B", 4096, "H100", 1, 2, 4, allreduce_us=0) < F.TTFT_SECONDS(
        "Llama 3.1 70B", 4096, "H100", 1, 2, 4
    )


def test_response_is_ttft_plus_decode():
    args = ("Llama 3.1 70B", 1000, "H100", 4, 2, 4)
    r = F.RESPONSE_SECONDS("Llama 3.1 70B", 1000, 300, "H100", 4, 2, 4, 1.5)
    ttft = F.TTFT_SECONDS(*args)
    step = F.DECODE_MS("Llama 3.1 70B", "H100", 4, 2, 4, 1.5)
    assert r == pytest.approx(ttft + 300 * step / 1e3, rel=1e-12)


def test_one_argument_order():
    # DECODE_MS, RESPONSE_SECONDS and TOKENS_PER_SECOND: ..., gpus, kv_gb, bw_efficiency, mfu, precision
    tail = (8, 20.0, 0.7, 0.3, "bf16")
    step = F.DECODE_MS("70B", "H100", 16, 2, *tail)
    assert F.TOKENS_PER_SECOND("70B", "H100", 16, 2, *tail) == pytest.approx(16 / step * 1e3)
    # RESPONSE_SECONDS' prefill runs at prefill_mfu (its last argument), TTFT_SECONDS' at its mfu
    assert F.RESPONSE_SECONDS("70B", 0, 10, "H100", 16, 2, *tail, 8, 0.5) == pytest.approx(
        F.TTFT_SECONDS("70B", 0, "H100", 16, 2, 8, 0.7, 0.5) + 10 * step / 1e3
    )


# -- serving fleets ------------------------------------------------------------------------------


def test_serving_gpus_counts_prefill_and_the_peak():
    # The template's Llama 3.1 70B service: 1M requests a day, 1,000-token prompts, 300-token answers
    kv = F.KV_CACHE_GB("Llama 3.1 70B", 1300)
    flat = F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 4, 50, 1, kv)
    peak = F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 4, 50, 2, kv)
    decode_only = F.SERVING_GPUS(1e6, 0, 300, "Llama 3.1 70B", "H100", 4, 50, 1, kv)
    assert decode_only <= flat <= peak
    assert peak == 12  # 16 before issue 20's prefill efficiency (0.65, not 0.4) and usable memory (0.9)
    # the latency target caps the batch: a looser target needs fewer replicas
    assert F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 4, 200, 2, kv) <= peak
    with pytest.raises(FlopsheetError, match="over the 5 ms target"):
        F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 4, 5, 2, kv)


def test_largest_batch_keeps_the_step_under_the_target():
    args = dict(
        params=70.6e9,
        peak_tflops=989.5,
        bandwidth_tbs=3.35,
        memory_gb=80,
        bytes_per_param=2,
        gpus=4,
        bw_efficiency=0.8,
        mfu=0.4,
        total_params=0,
        expert_share=0,
        layers=80,
        d_model=8192,
        interconnect_gbs=900,
        allreduce_us=10,
    )
    from flopsheet.engine.inference import decode_ms_unchecked

    setup = engine.serving_setup(args)

    def step(n):
        return decode_ms_unchecked(setup, n, n * 0.4)

    for latency in (20, 50):
        b = float(engine.largest_batch(setup, 0.4, latency))
        fits_one_more = 141.2 + (b + 1) * 0.4 <= 4 * 80 * 0.9
        assert step(b) <= latency and (step(b + 1) > latency or not fits_one_more)
    # memory: (0.9 x 320 - 141.2) / 0.4, the usable share of memory (serving engines keep 10% back)
    assert float(engine.largest_batch(setup, 0.4, 1000)) == 367
