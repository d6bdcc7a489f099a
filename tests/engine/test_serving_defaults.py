"""Issue 20's serving defaults: a catalog model's own KV cache at the running context, usable memory,
the model's context limit, decode attention against the cache (MLA at its latent width), the
efficiencies by phase and number format, and the all-reduce's fixed cost."""

import pytest

from flopsheet import engine
from flopsheet import functions as F
from flopsheet.engine import inference
from flopsheet.errors import FlopsheetError

LLAMA = ("Llama 3.1 70B", "H100", 4)  # model, GPU, tensor-parallel GPUs


def serving(prompt, output, model="Llama 3.1 70B", kv=None, **kw):
    return F.SERVING_GPUS(1e9, prompt, output, model, "H100", 4, 50, 1, kv, **kw)


def test_a_catalog_model_brings_its_own_cache_at_the_running_context():
    # blank: the cache of prompt + half the answer (what a batch holds on average), split over 4 GPUs
    running = F.KV_CACHE_GB("Llama 3.1 70B", 1000 + 2000 / 2, 1, 2, 4)
    assert serving(1000, 2000) == serving(1000, 2000, kv=running)
    assert serving(1000, 2000) < serving(1000, 2000, kv=F.KV_CACHE_GB("Llama 3.1 70B", 3000, 1, 2, 4))
    assert serving(1000, 2000) > serving(1000, 2000, kv=0)  # the cache bounds the batch and is read each step
    # a plain parameter count has no shape: no cache unless typed (as before)
    n = F.MODEL_SPEC("Llama 3.1 70B", "active_params")
    assert serving(1000, 2000, model=n) == serving(1000, 2000, model=n, kv=0)


def test_the_batch_fits_in_usable_memory():
    kw = dict(
        params=70e9,
        peak_tflops=989.5,
        bandwidth_tbs=3.35,
        memory_gb=80,
        bytes_per_param=2,
        gpus=4,
        bw_efficiency=0.8,
        mfu=0.4,
        total_params=0,
        expert_share=0,
        layers=0,
        d_model=0,
        interconnect_gbs=0,
        allreduce_us=0,
    )
    # (0.9 x 320 - 140) / 0.5 = 296 sequences, not (320 - 140) / 0.5 = 360
    assert float(engine.largest_batch(engine.serving_setup(kw), 0.5, 1e6)) == 296
    assert inference.USABLE_FRACTION == 0.9
    with pytest.raises(FlopsheetError, match=r"do not fit in 1 x 72 GB \(the usable 0\.9 of 80 GB\); use gpus >= 2"):
        F.SERVING_GPUS(1e6, 1000, 300, "Llama 3.1 70B", "H100", 1)


def test_a_request_beyond_the_models_context_is_refused():
    with pytest.raises(FlopsheetError, match="131072 tokens"):
        serving(130000, 2000)
    assert serving(120000, 2000) > 0
    assert serving(130000, 2000, model=70e9, kv=1.0) > 0  # a plain count has no limit to check


def test_decode_attention_is_charged_against_the_cache():
    # MLA decodes at the latent's width: heads x (kv_lora_rank + qk_rope_head_dim / 2) per key and layer
    from flopsheet.functions.declaration import model_figure
    from flopsheet.models import resolve

    ds = resolve("DeepSeek-V3")
    assert model_figure(ds, "decode_attn_dim", "params") == 128 * (512 + 32)
    assert model_figure(resolve("Llama 3.1 70B"), "decode_attn_dim", "params") == 64 * 128
    # at a 5k cache it exceeds the weights' 2 x 37B FLOPs per token (issue 20)
    per_token = inference.decode_attention_flops(128 * (512 + 32), 61, 0, 0, 5000)
    assert per_token > 2 * 37e9
    # windowed layers see at most their window
    assert inference.token_layers(12, 36, 8192, 100000) == 12 * 100000 + 36 * 8192


def test_efficiency_by_phase_and_number_format():
    assert inference.precision_share("bf16") == inference.precision_share(None) == 1.0
    assert inference.precision_share("FP8") == inference.precision_share("int8") == inference.PEAK_SHARE_8BIT
    assert inference.precision_share("fp4") == inference.PEAK_SHARE_4BIT < inference.PEAK_SHARE_8BIT < 1
    # FP8 is not 2x BF16 for free: a compute-bound prefill's GEMMs gain 2 x 0.75 (beside them, the same exposed
    # share of the weights' one read: PREFILL_EXPOSED_SHARE x 140 GB at 8 x 3.35 x 0.8 TB/s)
    bf16 = F.TTFT_SECONDS("70B", 8000, "H100", 8, 2, 8)
    fp8 = F.TTFT_SECONDS("70B", 8000, "H100", 8, 2, 8, precision="fp8")
    read = inference.PREFILL_EXPOSED_SHARE * 140e9 / (8 * 3.35e12 * 0.8)
    assert (bf16 - read) / (fp8 - read) == pytest.approx(2 * inference.PEAK_SHARE_8BIT, rel=1e-9)
    # a prefill runs at its own efficiency (0.65), not the decode's 0.4
    at_04 = F.TTFT_SECONDS("70B", 8000, "H100", 8, 2, 8, 0.8, 0.4)
    assert (at_04 - read) / (bf16 - read) == pytest.approx(0.65 / 0.4, rel=1e-9)
    r = F.RESPONSE_SECONDS("70B", 8000, 10, "H100", 8, 2, 8)
    assert r == pytest.approx(bf16 + 10 * F.DECODE_MS("70B", "H100", 8, 2, 8) / 1e3, rel=1e-12)


def test_a_forward_pass_has_fixed_costs_calibrated_on_small_batch_runs():
    """50 us a layer of every pass (one GPU too) and 20 us a tensor-parallel all-reduce (issue 20, item 3)."""
    assert (inference.DEFAULT_LAYER_US, engine.DEFAULT_ALLREDUCE_US) == (50.0, 20.0)
    # NIM 1.8, Llama 3.3 70B FP8 on 2 H100s at batch 1: 18.58 ms a token measured (measured.csv nim-1)
    kv = F.KV_CACHE_GB("Llama 3.1 70B", 5250, 1, 2, 2)
    step = F.DECODE_MS("Llama 3.1 70B", "H100", 1, 1, 2, kv, precision="fp8")
    assert step / 18.58 == pytest.approx(1.0, abs=0.15)
    bare = F.DECODE_MS("Llama 3.1 70B", "H100", 1, 1, 2, kv, allreduce_us=0, precision="fp8")
    assert step - bare == pytest.approx(160 * 20e-3, rel=1e-9)  # 160 all-reduces of 20 us
    # one GPU pays the per-layer cost alone: vLLM's Llama 3.1 8B on one H100 at batch 8 (ML.ENERGY, mlenergy-43)
    # 7.32 ms a token measured, 6.07 ms from the bandwidth; 32 layers x 50 us = 1.6 ms
    kv8 = F.KV_CACHE_GB("Llama 3.1 8B", 194, 8)
    one = F.DECODE_MS("Llama 3.1 8B", "H100", 8, 2, 1, kv8)
    assert one - F.DECODE_MS(8.03e9, "H100", 8, 2, 1, kv8) == pytest.approx(1.6, rel=0.05)
    assert one / 7.32 == pytest.approx(1.0, abs=0.1)
    # a bare parameter count has no layers to charge
    assert F.DECODE_MS("8B", "H100", 1) == pytest.approx(8e9 * 2 / (3.35e12 * 0.8) * 1e3, rel=1e-9)


def test_prefill_and_answer_beyond_the_context_are_refused_too():
    with pytest.raises(FlopsheetError, match=r"TTFT_SECONDS: prompt_tokens = 140000 is beyond the model's context"):
        F.TTFT_SECONDS("Llama 3.1 70B", 140000, "H100", 1, 2, 4)
    with pytest.raises(FlopsheetError, match=r"prompt_tokens \+ output_tokens = 132000 is beyond"):
        F.RESPONSE_SECONDS("Llama 3.1 70B", 130000, 2000, "H100", 1, 2, 4)
    assert F.TTFT_SECONDS("Llama 3.1 70B", 131072, "H100", 1, 2, 4) > 0
    assert F.TTFT_SECONDS(70e9, 140000, "H100", 1, 2, 4) > 0  # a plain count: no context known


def test_qwen3_takes_a_thinking_length_answer_within_its_40960_token_context():
    """Qwen3's config.json (max_position_embeddings 40,960) and the engines that serve it take a 32,768-token answer
    beside an 8,192-token prompt (Qwen's deployment docs); the cards' '32,768 natively' is the pre-training length.
    TensorRT-LLM's later table measured Qwen3 at 1,024 + 32,768 tokens: answered, and refused one token past 40,960."""
    for model in ("Qwen3 30B-A3B", "Qwen3 235B-A22B", "Qwen3 8B"):
        assert F.RESPONSE_SECONDS(model, 8192, 32768, "B200", 8, 2, 8) > 0
        with pytest.raises(
            FlopsheetError, match=r"prompt_tokens \+ output_tokens = 40961 is beyond the model's context"
        ):
            F.RESPONSE_SECONDS(model, 8193, 32768, "B200", 8, 2, 8)


def test_a_batch_whose_cache_does_not_fit_is_refused_with_the_largest_that_does():
    # Llama 3.1 70B on 2 H100s: 2 x 72 GB usable, 141.1 GB of weights; a 4k-token cache is 1.34 GB a sequence
    kv = F.KV_CACHE_GB("Llama 3.1 70B", 4096, 64, 2, 2)
    with pytest.raises(
        FlopsheetError, match=r"the largest batch that fits is 2 \(kv_gb / batch = 1.342 GB a sequence\)"
    ):
        F.DECODE_MS("Llama 3.1 70B", "H100", 64, 2, 2, kv)
    assert F.DECODE_MS("Llama 3.1 70B", "H100", 2, 2, 2, F.KV_CACHE_GB("Llama 3.1 70B", 4096, 2, 2, 2)) > 0
    with pytest.raises(FlopsheetError, match="the largest batch that fits is"):
        F.TOKENS_PER_SECOND("Llama 3.1 70B", "H100", 64, 2, 2, kv)


def test_max_batch_caps_the_serving_batch_and_nothing_else():
    """The serving engine's limit on sequences at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size): the
    serving batch is the smaller of it and the batch memory and latency allow; under it, nothing changes."""
    free = F.SERVING_BATCH("Llama 3.1 70B", "H100", 2, 4)
    assert free > 300
    assert F.SERVING_BATCH("Llama 3.1 70B", "H100", 2, 4, max_batch=256) == 256
    assert F.SERVING_BATCH("Llama 3.1 70B", "H100", 2, 4, max_batch=free + 1) == free
    # SERVING_GPUS at the capped batch: each replica serves fewer requests at once, so more replicas; a cap above
    # its own batch is the same answer
    args = (1e6, 1000, 300, "Llama 3.1 70B", "H100", 4)
    assert F.SERVING_GPUS(*args, max_batch=64) > F.SERVING_GPUS(*args) == F.SERVING_GPUS(*args, max_batch=65536)
    # the same for a plain parameter count (the closed form)
    assert F.SERVING_GPUS(1e6, 1000, 300, 70e9, "H100", 4, max_batch=16) > F.SERVING_GPUS(
        1e6, 1000, 300, 70e9, "H100", 4
    )
    for bad in (0, 2.5, 65537, True):
        with pytest.raises(FlopsheetError) as e:
            F.SERVING_GPUS(*args, max_batch=bad)
        assert e.value.arg == "max_batch", bad
    # TOKENS_PER_SECOND and COST_PER_MTOK with a blank batch take the same capped serving batch; a typed batch is
    # the batch typed (max_batch bounds only the search)
    tps = F.TOKENS_PER_SECOND("Llama 3.1 70B", "H100", None, 2, 4, max_batch=256)
    assert tps == pytest.approx(F.TOKENS_PER_SECOND("Llama 3.1 70B", "H100", 256, 2, 4))
    assert F.TOKENS_PER_SECOND("Llama 3.1 70B", "H100", 64, 2, 4, max_batch=16) == F.TOKENS_PER_SECOND(
        "Llama 3.1 70B", "H100", 64, 2, 4
    )
    cost = F.COST_PER_MTOK("Llama 3.1 70B", "H100", 2.5, "output", 1, None, 2, 4, max_batch=64)
    assert cost == pytest.approx(F.COST_PER_MTOK("Llama 3.1 70B", "H100", 2.5, "output", 1, 64, 2, 4))
    assert cost > 2 * F.COST_PER_MTOK("Llama 3.1 70B", "H100", 2.5, "output", 1, None, 2, 4)


def test_attention_runs_at_the_fp8_peak_in_an_fp4_run():
    """NVFP4/MXFP4 quantize the weights' GEMMs; attention (a decode token against its cache, a prompt's causal
    attention) computes at the 8-bit peak and its share (engine.inference.attention_cost), so an FP4 step's attention
    takes what an FP8 step's does on the same GPU, 4/3 of the FP4 rate's time on B200 (FP4 = 2 x FP8, shares 0.5 and 0.75)
    and 2x on GB300 (3x)."""
    from flopsheet import catalog

    assert inference.attention_cost("fp4", 9000.0, 4500.0) == pytest.approx(4 / 3)
    assert inference.attention_cost(" FP4 ", 15000.0, 5000.0) == pytest.approx(2.0)
    assert inference.attention_cost("fp4") == pytest.approx(inference.FP4_PER_FP8 * 0.5 / 0.75)  # a typed peak
    assert {inference.attention_cost(p, 15000.0, 5000.0) for p in ("fp8", "bf16", None, "int8")} == {1.0}
    for name, cost in (("B200", 4 / 3), ("GB300", 2.0)):
        gpu = catalog.resolve(name)
        attn, batch, gpus = 5e10, 4096.0, 8.0  # FLOPs a decode token spends on attention (an MLA model at a long cache)
        seconds = {}
        for prec in ("fp4", "fp8"):
            kw = dict(
                params=37e9,
                peak_tflops=catalog.peak_tflops(gpu, prec),
                bandwidth_tbs=gpu.bandwidth_tbs,
                memory_gb=gpu.memory_gb,
                bytes_per_param=0.5,
                gpus=gpus,
                peak_share=inference.precision_share(prec),
                attn_cost=inference.attention_cost(prec, gpu.fp4_tflops, gpu.fp8_tflops),
            )
            s = inference.serving_setup(kw)
            # compute bound (37B weights read in ~1 ms, ~30 TFLOPs a step): the attention's seconds are the difference
            seconds[prec] = (
                inference.decode_ms_unchecked(s, batch, 0.0, attn) - inference.decode_ms_unchecked(s, batch, 0.0, 0.0)
            ) / 1e3
        assert inference.attention_cost("fp4", gpu.fp4_tflops, gpu.fp8_tflops) == pytest.approx(cost)
        at_fp8 = attn * batch / (gpus * gpu.fp8_tflops * 1e12 * inference.DEFAULT_MFU * inference.PEAK_SHARE_8BIT)
        assert seconds["fp4"] == pytest.approx(at_fp8, rel=1e-9) and seconds["fp8"] == pytest.approx(at_fp8, rel=1e-9)


def test_a_decode_step_is_two_kernels_rooflines():
    """A decode step's weight GEMMs and its attention are separate kernels in turn (engine.inference.DECODE_KERNELS):
    max(weights' read, GEMMs) + max(cache's read, attention), so a large batch's GEMMs do not hide under its cache's
    read as they did under one roofline, max(all reads, all FLOPs)."""
    s = inference.serving_setup(dict(params=8e9, peak_tflops=989.5, bandwidth_tbs=3.35, memory_gb=80.0, gpus=1.0))
    batch, kv_gb, attn = 512.0, 40.0, 2e8  # FLOPs of attention a token: compute below the cache's read
    weights = 8e9 * 2.0 / s.bytes_s
    cache = kv_gb * 1e9 / s.bytes_s
    gemms = 2 * 8e9 * batch / (989.5e12 * inference.gemm_mfu(s.mfu, s.prefill_mfu, batch))
    attention = attn * batch / s.flops_s
    assert weights < gemms and attention < cache  # the GEMMs bind their kernel, the cache's read binds attention's
    step = inference.decode_ms_unchecked(s, batch, kv_gb, attn)
    assert step == pytest.approx((gemms + cache) * 1e3, rel=1e-12)
    assert step > max(weights + cache, gemms + attention) * 1e3  # one roofline would have hidden one under the other
    # few sequences: both kernels bound by their reads, the step the reads' sum as before
    one = inference.decode_ms_unchecked(s, 1.0, kv_gb / 512, attn)
    assert one == pytest.approx((weights + kv_gb / 512 * 1e9 / s.bytes_s) * 1e3, rel=1e-12)
    assert inference.DECODE_GEMM_HALF_BATCH == 125.0  # refitted with it (docs/fidelity.md)
