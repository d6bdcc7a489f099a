"""The summary's values (taken from the cells each formula references) equal the registry and
the engine called directly on the scenarios' own inputs: an oracle that shares nothing with
the formula evaluator, so a formula pointing at the wrong cell fails here."""

import math

import pytest

from flopsheet import engine, models
from flopsheet.assumptions import assumptions
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.template import build_workbook
from flopsheet.template import scenarios as sc

A = {a.name: a.value for a in assumptions()}


@pytest.fixture(scope="module")
def values():
    wb, ctx = build_workbook()
    return {
        (o.sheet, key): o.value
        for o in ctx.outputs
        for (sheet, key), cell in ctx.cells.items()
        if sheet == o.sheet and cell.replace("$", "") == o.cell
    }


def test_inference_request_and_memory(values):
    q, f = sc.Request(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    flops = f["INFER_FLOPS"](q.params, q.prompt_tokens, q.output_tokens)
    kv = f["KV_CACHE_GB"](q.layers, q.kv_heads, q.head_dim, q.prompt_tokens + q.output_tokens, q.batch)
    assert v("flops") == flops and v("kv") == kv
    assert v("infer_s") == f["INFER_SECONDS"](flops, q.gpu, q.mfu, q.precision)
    response = f["RESPONSE_SECONDS"](
        q.params,
        q.prompt_tokens,
        q.output_tokens,
        q.gpu,
        q.batch,
        q.bytes_per_param,
        q.gpus,
        kv,
        A["BwEfficiency"],
        q.mfu,
        q.precision,
    )  # issue 13's one order
    assert v("response_s") == response
    weights = f["WEIGHTS_GB"](q.params, q.bytes_per_param)
    assert v("fit") == f["GPUS_TO_FIT"](weights + kv, q.gpu, A["UsableMemory"])


def test_serving_fleet_is_the_engine_count(values):
    s, f = sc.Serving(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    assert v("s_params") == models.resolve(s.model).total_params == 70.55e9  # looked up on the Models sheet
    # issue 20: the model's own cache at the running context (prompt + half the answer), the serving batch
    running = s.prompt_tokens + math.ceil(s.output_tokens * s.answer_held)
    assert v("s_running") == running
    kv = f["KV_CACHE_GB"](s.model, running, 1, 2, s.gpus_per_replica)
    assert v("s_kv") == kv
    batch = f["SERVING_BATCH"](
        s.model,
        s.gpu,
        s.bytes_per_param,
        s.gpus_per_replica,
        A["BwEfficiency"],
        A["DefaultMFU"],
        s.precision,
        A["AllReduceUs"],
        running,
        s.latency_ms,
    )
    assert v("s_batch") == batch > 64  # the serving batch: far more than the 64 the card used to type
    tps = f["TOKENS_PER_SECOND"](
        s.model,
        s.gpu,
        batch,
        s.bytes_per_param,
        s.gpus_per_replica,
        None,  # the model's own cache
        A["BwEfficiency"],
        A["DefaultMFU"],
        s.precision,
        A["AllReduceUs"],
        running,
    )
    assert v("s_tps") == tps
    # one decode step (what the latency target sees) beside what users see under load (ITL_MS: the other
    # requests' prompt chunks ride on each step; the CPU's HostUs a request when longer)
    opt = (A["BwEfficiency"], A["DefaultMFU"], s.precision, A["AllReduceUs"])
    step = f["DECODE_MS"](s.model, s.gpu, batch, s.bytes_per_param, s.gpus_per_replica, None, *opt, running)
    assert v("s_decode_ms") == step <= s.latency_ms
    itl = f["ITL_MS"](
        s.model,
        s.prompt_tokens,
        s.output_tokens,
        s.gpu,
        batch,
        s.bytes_per_param,
        s.gpus_per_replica,
        None,
        *opt,
        A["PrefillMFU"],
        A["HostUs"],
    )
    assert v("s_itl") == itl > step  # (batch - 1) x 1,000 / 500 prompt tokens ride on every step
    assert itl >= batch * A["HostUs"] / 1e3
    replicas = engine.serving_replicas(s.requests_per_day, s.output_tokens, tps, s.load_factor)
    assert (
        v("s_replicas") == replicas == math.ceil(s.requests_per_day * s.output_tokens / (tps * 86400 * s.load_factor))
    )
    assert v("s_gpus_decode") == replicas * s.gpus_per_replica
    kv_one = kv
    assert (A["BwEfficiency"], A["DefaultMFU"]) == (0.8, 0.4)  # the fleet cell leaves them to these defaults
    fleet = f["SERVING_GPUS"](
        s.requests_per_day,
        s.prompt_tokens,
        s.output_tokens,
        70.55e9,
        s.gpu,
        s.gpus_per_replica,
        s.latency_ms,
        s.peak_factor,
        kv_one,
        s.bytes_per_param,
        A["BwEfficiency"],
        A["DefaultMFU"],
        s.precision,
        A["AllReduceUs"],
        A["PrefillMFU"],
    )
    assert v("s_gpus") == fleet and fleet % s.gpus_per_replica == 0
    # prefill and the peak hour only add
    lean = lambda prompt, peak: f["SERVING_GPUS"](  # noqa: E731
        s.requests_per_day, prompt, s.output_tokens, 70.55e9, s.gpu, s.gpus_per_replica, s.latency_ms, peak, kv_one
    )
    assert lean(0, 1) <= lean(s.prompt_tokens, 1) <= lean(s.prompt_tokens, s.peak_factor) <= fleet
    # the model name adds its all-reduces (45 us each, 160 a step) and prefill attention: never fewer GPUs
    assert fleet <= f["SERVING_GPUS"](
        s.requests_per_day,
        s.prompt_tokens,
        s.output_tokens,
        s.model,
        s.gpu,
        s.gpus_per_replica,
        s.latency_ms,
        s.peak_factor,
        kv_one,
        s.bytes_per_param,
        A["BwEfficiency"],
        A["DefaultMFU"],
        s.precision,
    )


def test_moe_serving_deepseek_v3(values):
    m, f = sc.MoEServing(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    row = models.resolve(m.model)
    assert (v("m_total"), v("m_active"), v("m_experts"), v("m_per_token")) == (671e9, 37e9, 256, 8)
    assert (row.total_params, row.active_params) == (671e9, 37e9)
    running = m.prompt_tokens + math.ceil(
        m.output_tokens * sc.Serving().answer_held
    )  # the model's own BF16 cache at the running context
    kv = f["KV_CACHE_GB"](m.model, running, m.batch, 2, m.gpus)
    assert v("m_kv") == kv
    assert v("m_weights") == f["WEIGHTS_GB"](m.model, m.bytes_per_param) == 671
    assert v("m_fit") == f["GPUS_TO_FIT"](671 + kv, m.gpu, A["UsableMemory"]) <= m.gpus
    opt = (A["BwEfficiency"], A["DefaultMFU"], m.precision, A["AllReduceUs"])
    decode = f["DECODE_MS"](m.model, m.gpu, m.batch, m.bytes_per_param, m.gpus, None, *opt, running)
    assert v("m_decode_ms") == decode
    dense = f["DECODE_MS"](37e9, m.gpu, m.batch, m.bytes_per_param, m.gpus, kv, *opt)
    assert v("m_dense_ms") == dense and decode > 5 * dense  # 87% of the experts are read at batch 64
    itl = f["ITL_MS"](
        m.model,
        m.prompt_tokens,
        m.output_tokens,
        m.gpu,
        m.batch,
        m.bytes_per_param,
        m.gpus,
        None,
        *opt,
        A["PrefillMFU"],
        A["HostUs"],
    )
    assert v("m_itl") == itl > decode
    assert v("m_tps") == f["TOKENS_PER_SECOND"](m.model, m.gpu, m.batch, m.bytes_per_param, m.gpus, None, *opt, running)
    prefill = (A["BwEfficiency"], A["PrefillMFU"], m.precision)  # TTFT_SECONDS' mfu is a prefill's
    ttft = f["TTFT_SECONDS"](m.model, m.prompt_tokens, m.gpu, m.batch, m.bytes_per_param, m.gpus, *prefill)
    assert v("m_ttft") == ttft
    response = f["RESPONSE_SECONDS"](
        m.model,
        m.prompt_tokens,
        m.output_tokens,
        m.gpu,
        m.batch,
        m.bytes_per_param,
        m.gpus,
        None,
        *opt,
        A["PrefillMFU"],
    )
    assert v("m_response_s") == response


def test_long_context(values):
    k, f = sc.LongContext(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    tokens = f["TEXT_TOKENS"](k.characters, k.unit)
    assert v("k_tokens") == tokens == 1.2e6
    assert v("k_params") == models.resolve(k.model).active_params == 32e9
    kv = f["KV_CACHE_GB"](k.model, tokens, k.batch, k.kv_bytes, k.gpus)
    # Kimi K2's latent: 61 layers x (512 + 64) values per token, on each of the tensor-parallel GPUs
    assert v("k_kv") == kv == pytest.approx(61 * 576 * tokens * k.kv_bytes * k.batch * k.gpus / 1e9)
    fit = f["GPUS_TO_FIT"](f["WEIGHTS_GB"](k.model, k.bytes_per_param) + kv, k.gpu, A["UsableMemory"])
    assert v("k_fit") == fit <= k.gpus
    assert v("k_flops_attn") == f["INFER_FLOPS"](k.model, tokens, k.output_tokens) > 10 * v("k_flops")
    opt = (A["BwEfficiency"], A["DefaultMFU"], k.precision)
    # beyond Kimi K2's stated context TTFT_SECONDS refuses the prompt; the what-if is its FLOPs at PrefillMFU
    with pytest.raises(FlopsheetError, match="beyond the model's context"):
        f["TTFT_SECONDS"](k.model, tokens, k.gpu, k.batch, k.bytes_per_param, k.gpus)
    request_flops = f["INFER_FLOPS"](k.model, tokens, k.output_tokens)  # the answer adds 0.1% to the prompt's
    assert request_flops / f["INFER_FLOPS"](k.model, tokens, 0) < 1.002
    prefill_s = f["INFER_SECONDS"](request_flops, k.gpu, A["PrefillMFU"], k.precision) * k.batch / k.gpus
    assert v("k_prefill_s") == pytest.approx(prefill_s, rel=1e-12)
    assert v("k_decode_ms") == f["DECODE_MS"](k.model, k.gpu, k.batch, k.bytes_per_param, k.gpus, kv, *opt)


def test_host_us_is_vllms_estimate_and_binds_past_the_gpus_step():
    from flopsheet.engine.inference import HOST_SERIAL_SHARE, VLLM_HOST_US

    assert A["HostUs"] == VLLM_HOST_US  # the Start sheet's assumption is the engine's fitted vLLM figure
    host, serial = REGISTRY["ITL_MS"].args[-2:]  # host_us, then its share on the critical path (blank: vLLM's)
    assert (host.name, host.default, serial.name, serial.default) == ("host_us", 0, "host_serial", None)

    # Llama 3.1 8B at 2,000 requests on one B200 (ML.ENERGY's setting): the CPU's work, batch x HostUs, outlasts
    # the GPU's step, so the time between tokens is the CPU's
    def itl(batch, host):
        return REGISTRY["ITL_MS"]("Llama 3.1 8B", 200, 500, "B200", batch, 2, 1, None, *(None,) * 5, host)

    assert itl(2000, A["HostUs"]) == pytest.approx(2000 * A["HostUs"] / 1e3)
    assert itl(2000, A["HostUs"]) > 1.5 * itl(2000, 0)
    # one request: the GPUs' step is longer than its 68 us, of which only the share on the critical path adds
    assert itl(1, A["HostUs"]) == pytest.approx(itl(1, 0) + HOST_SERIAL_SHARE * A["HostUs"] / 1e3, rel=1e-12)


def test_serving_replicas_counts_as_the_engine_does():
    # the count rule: float noise is not a replica, a real excess is
    assert engine.serving_replicas(3, 1, 1 / 86400, 1.0) == 3
    assert engine.serving_replicas(3.0000001, 1, 1 / 86400, 1.0) == 4
    with pytest.raises(Exception, match="load_factor must be > 0 and <= 1"):
        engine.serving_replicas(1e6, 500, 1e4, 50)
