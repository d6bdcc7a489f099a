"""ITL_MS: the inter-token latency of one request on a continuously batched server (engine.inference.itl_ms).

A decode step of the batch (DECODE_MS at the request's running context) plus the chunked prefill of the other
requests' prompts that rides on it: (batch - 1) x prompt_tokens / output_tokens prompt tokens a step, their
FLOPs at the prefill efficiency and their all-reduce traffic (the step already pays the weight read, the launches
and the all-reduce latency). Expected numbers are worked out here from the catalog's figures, not pasted.
"""

import pytest

from flopsheet import functions as F
from flopsheet.engine import inference
from flopsheet.errors import FlopsheetError

M = "Llama 3.1 70B"


def test_equals_the_decode_step_at_batch_1_and_with_no_prompt():
    # batch 1: no other request's prefill lands between one request's tokens
    assert F.ITL_MS(M, 5000, 500, "H100", 1, 1, 2) == F.DECODE_MS(M, "H100", 1, 1, 2, context_tokens=5250)
    # no prompt: nothing to prefill, whatever the batch (the cache at half the answer)
    assert F.ITL_MS(M, 0, 500, "H100", 25, 1, 2) == F.DECODE_MS(M, "H100", 25, 1, 2, context_tokens=250)
    # a typed cache is the decode step's too
    kv = F.KV_CACHE_GB(M, 5250, 25, 1, 2)
    assert F.ITL_MS(M, 0, 500, "H100", 25, 1, 2, kv) == F.DECODE_MS(M, "H100", 25, 1, 2, kv)


def test_the_prefill_share_by_hand_for_a_plain_count():
    # "8B" on one H100: no layers, so no attention, no all-reduce, no launch; the chunk is its FLOPs at prefill_mfu
    peak = F.GPU_SPEC("H100", "bf16_tflops")
    batch, prompt, out = 64, 2000, 400
    tokens = (batch - 1) * prompt / out  # 315 prompt tokens a step
    chunk_ms = 2 * 8e9 * tokens / (peak * 1e12 * inference.DEFAULT_PREFILL_MFU) * 1e3
    step = F.DECODE_MS("8B", "H100", batch, 2, 1)
    assert F.ITL_MS("8B", prompt, out, "H100", batch, 2, 1) == pytest.approx(step + chunk_ms, rel=1e-12)
    # prefill_mfu is its own argument, the decode step's mfu not used for the chunk
    half = F.ITL_MS("8B", prompt, out, "H100", batch, 2, 1, prefill_mfu=inference.DEFAULT_PREFILL_MFU / 2)
    assert half == pytest.approx(step + 2 * chunk_ms, rel=1e-12)


def test_the_prefill_share_of_a_model_counts_attention_and_link_traffic_not_fixed_costs():
    # Llama 3.1 70B FP8 on 2 H100s: causal attention of each prompt and the chunk's all-reduce bytes, no latency
    spec = {f: F.MODEL_SPEC(M, f) for f in ("active_params", "layers", "heads", "head_dim", "d_model")}
    peak, link = F.GPU_SPEC("H100", "fp8_tflops"), F.GPU_SPEC("H100", "interconnect_gbs")
    batch, prompt, out, gpus = 25, 5000, 500, 2
    n = (batch - 1) / out  # prompts a step
    flops = (2 * spec["active_params"] * prompt + 2 * spec["layers"] * spec["heads"] * spec["head_dim"] * prompt**2) * n
    compute = flops / (gpus * peak * 1e12 * inference.DEFAULT_PREFILL_MFU * inference.PEAK_SHARE_8BIT)
    traffic = 2 * spec["layers"] * 2 * (gpus - 1) / gpus * prompt * n * spec["d_model"] * 2 / (link / 2 * 1e9)
    kv = F.KV_CACHE_GB(M, 5250, batch, 1, gpus)
    step = F.DECODE_MS(M, "H100", batch, 1, gpus, kv, precision="fp8")
    itl = F.ITL_MS(M, prompt, out, "H100", batch, 1, gpus, kv, precision="fp8")
    assert itl == pytest.approx(step + (compute + traffic) * 1e3, rel=1e-9)
    # NIM 1.8's ITL of this setup (Llama 3.3 70B, 38.75 ms at concurrency 25: tests/reference/measured.csv nim-2)
    assert itl / 38.75 == pytest.approx(1.0, abs=0.2)


def test_a_mixture_of_experts_chunk_joins_the_steps_expert_gemms(monkeypatch):
    # DeepSeek-V3 FP8 on 8 H200s, 64 in flight, 1,000-token prompts, 500-token answers: the riding chunk's 126 tokens
    # go through the same grouped expert GEMMs as the batch's 64, so the pass's extra rows (engine.moe: 2 x 100 rows
    # a touched expert) grow only by the experts the chunk touches that the batch did not: 1 - (1 - 8/256)^64 = 0.87
    # of the routed weights are touched by the batch, 1 - (1 - 8/256)^190 = 0.998 with the chunk joined; and the
    # chunk's tokens' expert work at the experts' width's cost (engine.moe.EXPERT_WIDTH_HALF / 2,050: about 1.0)
    from flopsheet.engine import moe

    m, gpu, batch, prompt, out, gpus = "DeepSeek-V3", "H200", 64, 1000, 500, 8
    fields = ("active_params", "total_params", "experts", "experts_per_token", "moe_layers", "d_model")
    spec = {f: F.MODEL_SPEC(m, f) for f in fields}
    share = spec["experts_per_token"] / spec["experts"]
    routed = (spec["total_params"] - spec["active_params"]) / (1 - share)
    cost = moe.EXPERT_WIDTH_HALF / (routed / (spec["experts"] * spec["moe_layers"] * 3 * spec["d_model"]))
    assert cost == pytest.approx(1.0, abs=0.01)
    chunk_tokens = (batch - 1) * prompt / out
    extra_flops = 2 * 100 * routed * ((1 - (1 - share) ** (batch + chunk_tokens)) - (1 - (1 - share) ** batch))
    extra_flops += 2 * share * routed * chunk_tokens * cost
    rate = gpus * F.GPU_SPEC(gpu, "fp8_tflops") * 1e12 * inference.DEFAULT_PREFILL_MFU * inference.PEAK_SHARE_8BIT
    kv = F.KV_CACHE_GB(m, 1250, batch, 1, gpus)
    joined = F.ITL_MS(m, prompt, out, gpu, batch, 1, gpus, kv, precision="fp8")
    step = F.DECODE_MS(m, gpu, batch, 1, gpus, kv, precision="fp8")
    # the chunk's own FLOPs and link traffic: what ITL_MS adds to the step with no routed-GEMM rows anywhere
    monkeypatch.setattr(inference, "routed_gemm_flops", lambda *a: 0.0)
    plain = F.ITL_MS(m, prompt, out, gpu, batch, 1, gpus, kv, precision="fp8")
    chunk_ms = plain - F.DECODE_MS(m, gpu, batch, 1, gpus, kv, precision="fp8")
    monkeypatch.undo()
    assert chunk_ms > 0
    assert joined == pytest.approx(step + chunk_ms + extra_flops / rate * 1e3, rel=1e-9)
    # charged as a pass of its own (its 126 tokens' experts' rows again) it would be far more: 0.98 of the routed
    # weights' rows, against the 0.13 the chunk adds to the batch's
    alone = 2 * 100 * routed * (1 - (1 - share) ** chunk_tokens)
    assert alone > 5 * extra_flops
    assert joined < step + chunk_ms + alone / rate * 1e3


def test_grows_with_the_prompt_and_the_batch_and_shrinks_with_longer_answers():
    base = F.ITL_MS(M, 2000, 500, "H100", 16, 2, 4)
    assert F.ITL_MS(M, 4000, 500, "H100", 16, 2, 4) > base
    assert F.ITL_MS(M, 2000, 500, "H100", 32, 2, 4) > base
    # the same prompts spread over more steps (and the cache at a longer running context): per step, the chunk
    # shrinks by more than the cache grows at this length
    a = F.ITL_MS(M, 2000, 500, "H100", 16, 2, 4, 0)
    b = F.ITL_MS(M, 2000, 1000, "H100", 16, 2, 4, 0)
    assert b < a
    # never below the decode step of the same batch and cache
    assert base > F.DECODE_MS(M, "H100", 16, 2, 4, context_tokens=2250)


def test_arrays_broadcast_like_the_scalar_calls():
    prompts = [0.0, 1000.0, 8000.0]
    fn = inference.itl_ms.formula.fn
    kw = dict(params=8e9, output_tokens=300.0, peak_tflops=989.4, bandwidth_tbs=3.35, memory_gb=80.0, batch=32.0)
    import numpy as np

    many = fn(prompt_tokens=np.array(prompts), gpus=1.0, kv_gb=0.0, **kw)
    one = [fn(prompt_tokens=p, gpus=1.0, kv_gb=0.0, **kw) for p in prompts]
    assert np.allclose(many, one, rtol=1e-12, atol=0)


def test_the_servers_cpu_time_per_sequence_overlaps_the_gpus_step_but_for_its_critical_path():
    # Llama 3.1 8B on one B200 at 2,043 sequences of 396 tokens: the GPU's step is ~27 ms, the CPU's 2,043 x 68 us
    kw = dict(host_us=inference.VLLM_HOST_US)
    gpu = F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 2043, 2, 1)
    cpu = 2043 * inference.VLLM_HOST_US / 1e3
    assert gpu < cpu
    assert F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 2043, 2, 1, **kw) == pytest.approx(cpu, rel=1e-12)
    # at batch 8 the GPU's step is the longer: the CPU's overlapped share hides under it, and only its share on the
    # critical path (HOST_SERIAL_SHARE) adds, 8 x 68 us x 0.5
    small = F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 8, 2, 1)
    serial = inference.HOST_SERIAL_SHARE * 8 * inference.VLLM_HOST_US / 1e3
    assert 0 < inference.HOST_SERIAL_SHARE < 1
    assert F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 8, 2, 1, **kw) == pytest.approx(small + serial, rel=1e-12)
    # the default is a CPU that keeps up
    assert F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 2043, 2, 1, host_us=0) == gpu


@pytest.mark.parametrize(
    ("args", "kwargs", "arg"),
    [
        ((M, 5000, 0, "H100", 8, 1, 2), {}, "output_tokens"),
        ((M, -1, 500, "H100", 8, 1, 2), {}, "prompt_tokens"),
        ((M, 5000, 500, "H100", 0, 1, 2), {}, "batch"),
        ((M, 5000, 500, "H100", 8, 1, 3), {}, "gpus"),  # 3 does not divide 64 heads
        ((M, 5000, 500, "H100", 8, 1, 2), {"prefill_mfu": 1.5}, "prefill_mfu"),
        ((M, 5000, 500, "H100", 8, 1, 2), {"host_us": -5}, "host_us"),
        ((M, 130000, 2000, "H100", 1, 2, 4), {}, "prompt_tokens"),  # beyond the model's 128k context
    ],
)
def test_bad_inputs_name_the_argument(args, kwargs, arg):
    with pytest.raises(FlopsheetError, match=rf"ITL_MS: {arg}\b"):
        F.ITL_MS(*args, **kwargs)


def test_the_serving_batch_holds_the_decode_step_to_the_target_not_the_time_between_tokens(monkeypatch):
    # What docs/functions.md says the serving batch does and does not include (tools/docs.py, "What the serving
    # batch holds"), worked out here and compared with the figures the paragraph quotes, so a refit that changes
    # them fails until the paragraph is updated. Llama 3.1 70B on 4 H100s, 1,000-token prompts, 500-token answers.
    import re

    import numpy as np

    from tools.docs import INTRO

    b = F.SERVING_BATCH(M, "H100", 2, 4, context_tokens=1250)
    step = F.DECODE_MS(M, "H100", b, 2, 4, context_tokens=1250)
    itl = F.ITL_MS(M, 1000, 500, "H100", b, 2, 4)
    assert step <= 50.0 < itl  # the step meets the default target; the time between tokens under load does not
    # the largest batch whose ITL_MS meets 50 ms, by bisection on ITL_MS (it grows with the batch)
    lo, hi = 1, int(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if F.ITL_MS(M, 1000, 500, "H100", float(mid), 2, 4) <= 50.0 else (lo, mid - 1)
    assert F.ITL_MS(M, 1000, 500, "H100", float(lo), 2, 4) <= 50.0 < F.ITL_MS(M, 1000, 500, "H100", lo + 1.0, 2, 4)
    share = F.TOKENS_PER_SECOND(M, "H100", float(lo), 2, 4, context_tokens=1250) / F.TOKENS_PER_SECOND(
        M, "H100", b, 2, 4, context_tokens=1250
    )
    assert lo < b and share < 1.0
    # SERVING_GPUS for 10M requests a day at the serving batch, and at the batch whose ITL_MS meets the target
    gpus = F.SERVING_GPUS(1e7, 1000, 500, M, "H100", 4)
    monkeypatch.setattr(inference, "largest_batch", lambda *a, **k: np.float64(lo))
    gpus_itl = F.SERVING_GPUS(1e7, 1000, 500, M, "H100", 4)
    assert gpus_itl > gpus
    text = " ".join(INTRO.split())
    quoted = re.search(r"What the serving batch holds.*?meets it\.", text).group(0)
    for figure in (
        f"serving batch {b:.0f}, decode step {step:.0f} ms, ITL_MS {itl:.1f} ms",
        f"meets 50 ms is {lo}, with {share:.2f} of the throughput",
        f"{gpus_itl:.0f} GPUs, not {gpus:.0f}",
    ):
        assert figure in quoted


def test_host_step_is_the_longer_of_gpu_and_overlapped_cpu_plus_the_serial_share():
    share = inference.HOST_SERIAL_SHARE
    # no CPU time: the GPUs' step; a CPU that outlasts the GPUs: all of its time (the figure VLLM_HOST_US is fitted on)
    assert inference.host_step_ms(30.0, 500, 0.0) == 30.0
    assert inference.host_step_ms(10.0, 2000, 68.0) == pytest.approx(2000 * 68e-3, rel=1e-12)
    # the GPUs longer than the CPU's overlapped share: the CPU's share on the critical path adds to their step
    assert inference.host_step_ms(100.0, 500, 68.0) == pytest.approx(100.0 + share * 500 * 68e-3, rel=1e-12)
    # between: the CPU's overlapped share binds, its serial share still adds
    cpu = 1000 * 68e-3
    gpu = (1 - share) * cpu * 0.9
    assert inference.host_step_ms(gpu, 1000, 68.0) == pytest.approx(cpu, rel=1e-12)
    # never below either: the GPUs' step, or the CPU's whole time
    import numpy as np

    g = np.array([1.0, 20.0, 60.0, 200.0])
    got = inference.host_step_ms(g, 800, 68.0)
    assert np.all(got >= g) and np.all(got >= 800 * 68e-3 - 1e-9) and np.all(got <= g + 800 * 68e-3 + 1e-9)


def test_a_cpu_overlapped_whole_adds_nothing_where_the_gpus_are_longer():
    # share 0 (TensorRT-LLM's overlap scheduler): the longer of the two, nothing added
    assert inference.host_step_ms(100.0, 500, 68.0, 0.0) == 100.0
    assert inference.host_step_ms(10.0, 2000, 29.4, 0.0) == pytest.approx(2000 * 29.4e-3, rel=1e-12)
    # share 1: the two in series
    assert inference.host_step_ms(100.0, 500, 68.0, 1.0) == pytest.approx(100.0 + 500 * 68e-3, rel=1e-12)


SG = ("Qwen3 30B-A3B", "B200", 1)  # model, GPU, one GPU a replica
SG_KW = dict(bytes_per_param=0.5, precision="fp4", peak_factor=1)


def test_serving_gpus_counts_the_servers_cpu_time():
    """SERVING_GPUS' host_us: the serving engine's CPU time per running sequence per step, in the latency test and
    the throughput (engine.inference.host_step_ms). Blank or 0: the GPUs' step alone; a CPU that outlasts the GPUs
    sets the step, so each generated token costs the replica host_us (with host_serial 0) and the fleet is the
    demand times that, plus each request's prefill."""
    load, prompt, out = 1e9, 1000, 1000
    plain = F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, **SG_KW)
    assert F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=0, **SG_KW) == plain
    # 10 us a sequence under a longer GPU step: hidden whole (host_serial 0), half of it added at vLLM's share
    hidden = F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=10, host_serial=0, **SG_KW)
    serial = F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=10, **SG_KW)
    assert hidden == plain < serial
    # 100 us: the CPU outlasts the GPUs, its whole time either way
    cpu_bound = F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=100, host_serial=0, **SG_KW)
    assert cpu_bound == F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=100, **SG_KW) > serial
    # a CPU far slower than the GPUs: the step is batch x host_us, a token host_us of the replica's time
    slow = 2000.0  # us a sequence
    got = F.SERVING_GPUS(load, prompt, out, *SG, latency_ms=1e7, host_us=slow, host_serial=0, **SG_KW)
    prefill = F.SERVING_GPUS(load, prompt, 0, *SG, latency_ms=1e7, **SG_KW)  # the prompts alone
    per_request = out * slow * 1e-6
    assert got == pytest.approx(prefill + load / 86400 * per_request, rel=2e-3)


def test_serving_gpus_latency_bounds_the_cpu_time_too(monkeypatch):
    # 30 ms a token with 60 us a sequence: at most 500 sequences whatever the GPUs do; one sequence at 40 ms a
    # sequence of CPU is over a 30 ms target: an error that names latency_ms and host_us
    load = 1e9
    a = F.SERVING_GPUS(load, 1000, 1000, *SG, latency_ms=30, host_us=60, host_serial=0, **SG_KW)
    b = F.SERVING_GPUS(load, 1000, 1000, *SG, latency_ms=30, **SG_KW)
    assert a > b
    search = inference.largest_batch
    calls = []

    def spy(*args, **kw):
        out = search(*args, **kw)
        calls.append((kw.get("host_us", 0.0), float(out)))
        return out

    monkeypatch.setattr(inference, "largest_batch", spy)
    F.SERVING_GPUS(load, 1000, 1000, *SG, latency_ms=30, host_us=60, host_serial=0, **SG_KW)
    assert calls == [(60, 500.0)]
    with pytest.raises(FlopsheetError, match="latency_ms.*lower host_us"):
        F.SERVING_GPUS(load, 1000, 1000, *SG, latency_ms=30, host_us=40000, **SG_KW)
    with pytest.raises(FlopsheetError, match="host_serial"):
        F.SERVING_GPUS(load, 1000, 1000, *SG, host_serial=50, **SG_KW)
    with pytest.raises(FlopsheetError, match="host_us"):
        F.SERVING_GPUS(load, 1000, 1000, *SG, host_us=-1, **SG_KW)


def test_throughput_cost_and_serving_batch_count_the_servers_cpu_time():
    """TOKENS_PER_SECOND, COST_PER_MTOK and SERVING_BATCH take the same host_us and host_serial as SERVING_GPUS: the
    decode step with the server's CPU time (host_step_ms), in the serving batch's search too."""
    m, g = "Qwen3 30B-A3B", "B200"
    # a CPU far slower than the GPUs (1 ms a sequence, hidden but where it outlasts them): 1,000 sequences take 1 s
    assert F.TOKENS_PER_SECOND(m, g, 1000, 0.5, 1, host_us=1000, host_serial=0) == pytest.approx(1000.0, rel=1e-12)
    plain = F.TOKENS_PER_SECOND(m, g, 1000, 0.5, 1)
    assert F.TOKENS_PER_SECOND(m, g, 1000, 0.5, 1, host_us=0) == plain
    assert F.TOKENS_PER_SECOND(m, g, 1000, 0.5, 1, host_us=20) < plain  # vLLM's half on the critical path
    # the serving batch: the largest whose step with the CPU's time meets 50 ms
    b = F.SERVING_BATCH(m, g, 0.5, 1, host_us=68)
    assert b < F.SERVING_BATCH(m, g, 0.5, 1)
    kv = F.KV_CACHE_GB(m, inference.DEFAULT_CONTEXT_TOKENS, 1)  # SERVING_BATCH's default context, the model's own

    def step(n):
        gpu = F.DECODE_MS(m, g, n, 0.5, 1, kv_gb=kv * n)
        return inference.host_step_ms(gpu, n, 68.0)

    assert step(b) <= 50.0 < step(b + 1)
    # the cost: the GPU-hour over the tokens an hour at that step, the same batch
    tps = F.TOKENS_PER_SECOND(m, g, b, 0.5, 1, host_us=68)
    assert F.COST_PER_MTOK(m, g, 3, "output", 1, b, 0.5, 1, host_us=68) == pytest.approx(3 / (tps * 3600) * 1e6)
    assert F.COST_PER_MTOK(m, g, 3, host_us=68) > F.COST_PER_MTOK(m, g, 3)  # blank batch: the serving one


def test_itl_takes_the_cpu_times_share_on_the_critical_path():
    """ITL_MS' host_serial, as SERVING_GPUS': blank vLLM's 0.5; 0 hides the CPU's time under a longer GPU step."""
    gpu = F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 50, 2, 1)
    hidden = F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 50, 2, 1, host_us=68, host_serial=0)
    half = F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 50, 2, 1, host_us=68)
    assert hidden == gpu and half == pytest.approx(gpu + 0.5 * 50 * 68e-3, rel=1e-12)
    assert F.ITL_MS("Llama 3.1 8B", 0, 396, "B200", 50, 2, 1, host_us=68, host_serial=1) == pytest.approx(
        gpu + 50 * 68e-3, rel=1e-12
    )
