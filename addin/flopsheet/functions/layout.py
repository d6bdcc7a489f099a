"""A typed parallel layout ("EP32", "TP4 EP8") bound to a catalog model, a catalog GPU and its platform: the
arguments engine.parallel's expert-parallel forms take, checked (valid degrees named on refusal).

    from flopsheet.functions.layout import ep_serving, ep_prefill
    ep_serving("DeepSeek-V3", "H800", "EP144", 0, 1000, precision="fp8", context=4989)

Efficiencies are the serving defaults (engine.inference: DEFAULT_MFU for decode, DEFAULT_PREFILL_MFU for
prefill, times the number format's peak share), the KV cache the model's own at the running context (prompt +
half the output unless `context` is given), in FP8 beside 8- and 4-bit weights, BF16 otherwise.
"""

from __future__ import annotations

from flopsheet import catalog, models
from flopsheet.catalog.platforms import platform
from flopsheet.engine import parallel
from flopsheet.engine.inference import (
    DEFAULT_ALLREDUCE_US,
    DEFAULT_BW_EFFICIENCY,
    DEFAULT_LATENCY_MS,
    DEFAULT_PREFILL_MFU,
    KV_BYTES,
    USABLE_FRACTION,
    accelerator_bw_share,
    accelerator_share,
    attention_cost,
    decode_attention_flops,
    decode_ms_unchecked,
    host_serial_share,
    host_step_ms,
    host_us_used,
    largest_batch,
    model_kv_gb,
    precision_share,
    prefill_comm_seconds,
    prefill_s_unchecked,
    prompt_attention_flops,
    running_context,
    serving_prefill_params,
    serving_setup,
)
from flopsheet.engine.training import DEFAULT_MFU
from flopsheet.errors import FlopsheetError, show_number
from flopsheet.functions.declaration import model_figure

BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 0.5}


def bind(
    model: str,
    gpu: str,
    layout: str,
    precision: str = "bf16",
    bytes_per_param: float | None = None,
    kv_bytes: float | None = None,
) -> dict:
    """ep_forward_seconds' model and platform arguments for `layout` (checked), the serving bundle of the same
    setup (engine.inference.Serving with its expert-parallel fields), and the cache's shape. kv_bytes: bytes per
    cached value, the engine's KV_BYTES (BF16) unless given."""
    row = models.resolve(model)
    try:
        g = catalog.resolve(gpu)
    except FlopsheetError as e:
        raise FlopsheetError(f"gpu: {e.message}", arg="gpu") from None
    lay = parallel.parse_layout(layout)
    plat = platform(g.name)
    if not row.is_moe and lay.ep:
        raise FlopsheetError(f"EP{lay.ep} needs a mixture of experts; {row.name} is dense: use TP only", arg="layout")
    mla = row.attention == "MLA"
    parallel.check_layout(
        lay,
        model=row.name,
        heads=int(row.heads or 0),
        kv_heads=1 if mla else int(row.kv_heads or 0),
        experts=int(row.experts or 0) if row.is_moe else 0,
        gpu=g.name,
        scaleup_gpus=plat.scaleup_gpus if plat else None,
        scaleout_gbs=plat.scaleout_gbs if plat else None,
    )
    prec = (precision or "bf16").strip().lower()
    # the number format's share of the peak times the accelerator's achieved share (AMD's CDNA3 below 1), and its
    # decode GEMVs' share of the bandwidth: the serving functions' own (functions.declaration), so a TP-only layout
    # is SERVING_GPUS' replica on every GPU
    share = precision_share(prec) * accelerator_share(g.name)
    try:
        peak = float(catalog.peak_tflops(g, prec))
    except FlopsheetError as e:
        raise FlopsheetError(f"gpu {g.name}: {e.message}", arg="gpu") from None

    def fig(name: str) -> float:
        return model_figure(row, name, "params")

    return dict(
        row=row,
        gpu=g,
        layout=lay,
        share=share,
        bw_share=accelerator_bw_share(g.name),
        # attention at FP8's rate in an FP4 run (engine.inference.attention_cost), as the serving functions' own
        attn_cost=attention_cost(prec, g.fp4_tflops, g.fp8_tflops),
        kv_bytes=KV_BYTES if kv_bytes is None else float(kv_bytes),
        fig=fig,
        forward=dict(
            params=float(row.active_params),
            total_params=float(row.total_params),
            expert_share=fig("expert_share"),
            expert_cost=fig("expert_cost"),
            experts_per_token=float(row.experts_per_token or 0) if row.is_moe else 0.0,
            d_model=float(row.d_model),
            layers=float(row.layers),
            moe_layers=float(row.moe_layers or 0) if row.is_moe else 0.0,
            tp=float(lay.tp),
            gpus=float(lay.gpus),
            peak_tflops=peak,
            bandwidth_tbs=float(g.bandwidth_tbs),
            bytes_per_param=BYTES.get(prec, 2.0) if bytes_per_param is None else float(bytes_per_param),
            bw_efficiency=DEFAULT_BW_EFFICIENCY,
            scaleup_gpus=float(plat.scaleup_gpus) if plat else float(lay.gpus),
            nvlink_gbs=float(g.interconnect_gbs or 0.0),
            scaleout_gbs=float(plat.scaleout_gbs or 0.0) if plat else 0.0,
            allreduce_us=DEFAULT_ALLREDUCE_US,
            expert_parallel=lay.ep > 1,
        ),
    )


def setup_of(b: dict):
    """The serving bundle (engine.inference.serving_setup) of a bound layout: the TP group's figures, and the
    expert-parallel fields when experts are spread (ep > 1), so decode_ms_unchecked / prefill_s_unchecked price
    this layout's steps (engine.parallel for EP, the tensor-parallel step otherwise)."""
    f, lay = b["forward"], b["layout"]
    return serving_setup(
        dict(
            params=f["params"],
            peak_tflops=f["peak_tflops"],
            bandwidth_tbs=f["bandwidth_tbs"],
            memory_gb=float(b["gpu"].memory_gb),
            bytes_per_param=f["bytes_per_param"],
            gpus=f["tp"],
            bw_efficiency=f["bw_efficiency"],
            mfu=DEFAULT_MFU,
            prefill_mfu=DEFAULT_PREFILL_MFU,
            peak_share=b["share"],
            bw_share=b["bw_share"],
            attn_cost=b["attn_cost"],
            total_params=f["total_params"],
            expert_share=f["expert_share"],
            expert_cost=f["expert_cost"],
            layers=f["layers"],
            d_model=f["d_model"],
            attn_dim=b["fig"]("attn_dim"),
            interconnect_gbs=f["nvlink_gbs"],
            allreduce_us=f["allreduce_us"],
            ep=float(lay.ep) if lay.ep > 1 else 0.0,
            experts_per_token=f["experts_per_token"],
            moe_layers=f["moe_layers"],
            scaleup_gpus=f["scaleup_gpus"],
            scaleout_gbs=f["scaleout_gbs"],
        )
    )


def _within_context(b: dict, prompt_tokens: float, output_tokens: float = 0.0, name: str = "prompt_tokens") -> None:
    """A request longer than the model's context (its catalog figure) is refused, as engine.inference's CONTEXT."""
    limit = b["fig"]("context")
    if limit and prompt_tokens + output_tokens > limit:
        what = "prompt_tokens + output_tokens" if output_tokens else name
        raise FlopsheetError(
            f"{what} = {show_number(prompt_tokens + output_tokens)} is beyond the model's context of "
            f"{show_number(limit)} tokens (its catalog figure); shorten the request or use a longer-context model",
            arg=name,
        )


def _sequence(b: dict, context: float) -> tuple[float, float]:
    """(KV cache GB, decode attention FLOPs) of one sequence at `context` tokens, with the TP group's copies."""
    fig, lay = b["fig"], b["layout"]
    kv = model_kv_gb(
        fig("values_per_token_layer"),
        fig("full_layers"),
        fig("sliding_layers"),
        fig("sliding_window"),
        fig("kv_heads"),
        context,
        float(lay.tp),
    ) * (b["kv_bytes"] / 2.0)
    attn = decode_attention_flops(
        fig("decode_attn_dim"), fig("full_layers"), fig("sliding_layers"), fig("sliding_window"), context
    )
    return float(kv), float(attn)


def _prefill_attention(b: dict, prompt_tokens: float) -> float:
    """Causal attention FLOPs of one prompt (engine.inference.prefill_s_unchecked's term)."""
    return prompt_attention_flops(b["fig"]("attn_layers"), b["fig"]("attn_dim"), prompt_tokens)


def ep_serving(
    model: str,
    gpu: str,
    layout: str,
    prompt_tokens: float,
    output_tokens: float,
    *,
    precision: str = "bf16",
    context: float | None = None,
    latency_ms: float = DEFAULT_LATENCY_MS,
    batch: float | None = None,
    kv_bytes: float | None = None,
    bytes_per_param: float | None = None,
    host_us: float | None = None,
    host_serial: float | None = None,
) -> dict:
    """An instance of `layout` serving requests (engine.parallel.ep_serving): batch, step, prefill per request,
    output tokens/s of the instance and per GPU. `context`: the cached tokens per sequence while decoding, when
    the source publishes it; default the running context (prompt + half the output). `batch`: the instance's
    published batch instead of the largest under latency_ms that fits. `kv_bytes`: bytes per cached value
    (default the engine's BF16); `bytes_per_param`: bytes per weight (default the precision's). `host_us`, `host_serial`:
    the serving engine's CPU time per running sequence per step and its share on the critical path (blank: none; vLLM's
    share), each attention replica's CPU over its own sequences (engine.inference.host_step_ms), in the latency test and
    the throughput, as SERVING_GPUS counts it."""
    b = bind(model, gpu, layout, precision, bytes_per_param, kv_bytes=kv_bytes)
    _within_context(b, prompt_tokens, output_tokens)
    limit = b["fig"]("context")
    if context is not None and limit and context > limit:
        raise FlopsheetError(
            f"context_tokens = {show_number(context)} is beyond the model's context of {show_number(limit)} tokens "
            "(its catalog figure)",
            arg="context_tokens",
        )
    ctx = running_context(prompt_tokens, output_tokens) if context is None else context
    kv, attn = _sequence(b, ctx)
    lay, setup = b["layout"], setup_of(b)
    if bytes_per_param is not None:  # typed bytes that overfill the GPUs are named (the engine would name the layout)
        _weights_fit(b, setup, precision, bytes_per_param)
    host, share, replicas = host_us_used(host_us), host_serial_share(host_serial), float(lay.replicas)

    def step_s(n):  # the step of n sequences, with each attention replica's CPU time for its n / replicas
        return float(host_step_ms(decode_ms_unchecked(setup, n, n * kv, attn), n / replicas, host, share)) / 1e3

    one_ms = step_s(1.0) * 1e3 if host and batch is None else 0.0
    if one_ms > latency_ms:  # even one sequence misses the target with the CPU time typed: host_us named
        raise FlopsheetError(
            f"even one sequence takes {show_number(round(one_ms, 2))} ms per token in this layout with "
            f"host_us = {show_number(host)} us of CPU time a sequence, over the {latency_ms:g} ms target; lower "
            "host_us or raise latency_ms",
            arg="host_us",
        )
    if lay.ep > 1:  # experts spread: engine.parallel's serving search on the bundle's expert-parallel step
        batch, step, prefill, rate = parallel.ep_serving(
            batch=batch,
            prompt_tokens=prompt_tokens,
            output_tokens=output_tokens,
            kv_gb_per_sequence=kv,
            attn_flops_per_sequence=attn,
            prefill_attn_flops=_prefill_attention(b, prompt_tokens),
            memory_gb=float(b["gpu"].memory_gb),
            latency_ms=latency_ms,
            prefill_mfu=setup.prefill_mfu,
            decode_mfu=setup.mfu,
            step_s=step_s,
            prefill_s=lambda p, n: float(prefill_s_unchecked(setup, p, n)),
            **b["forward"],
        )
    else:  # a tensor-parallel group: SERVING_GPUS' replica (engine.inference.serving_gpus), the same numbers
        batch, step, prefill, rate = _tp_serving(
            b, setup, prompt_tokens, output_tokens, kv, attn, latency_ms, batch, host, share
        )
    gpus = b["layout"].gpus
    return dict(batch=batch, step_ms=step * 1e3, prefill_s=prefill, tokens_per_s=rate, per_gpu=rate / gpus, gpus=gpus)


def _tp_serving(b, setup, prompt_tokens, output_tokens, kv, attn, latency_ms, batch, host_us=0.0, host_serial=None):
    """A TP-only layout as SERVING_GPUS sizes a replica: the largest batch under latency_ms that fits
    (engine.inference.largest_batch) or the given one, prefill charged at its compute plus its share of its pass's
    all-reduces (engine.inference.prefill_comm_seconds); the step with the server's CPU time (host_step_ms), as
    SERVING_GPUS counts it."""
    share = host_serial_share(host_serial)
    if batch is None:
        batch = float(largest_batch(setup, kv, latency_ms, attn_flops=attn, host_us=host_us, host_serial=share))
    gpu_ms = decode_ms_unchecked(setup, batch, batch * kv, attn)
    step = float(host_step_ms(gpu_ms, batch, host_us, share)) / 1e3
    f = b["forward"]
    gp = serving_prefill_params(setup.params, setup.total_params, setup.expert_share, prompt_tokens, setup.expert_cost)
    flops = 2.0 * float(gp) * prompt_tokens + _prefill_attention(b, prompt_tokens) * setup.attn_cost
    prefill = flops / setup.prefill_flops_s + float(
        prefill_comm_seconds(f["layers"], f["d_model"], prompt_tokens, f["tp"], f["nvlink_gbs"], f["allreduce_us"])
    )
    busy = prefill + output_tokens * step / batch
    return batch, step, prefill, output_tokens / busy


def ep_prefill(
    model: str,
    gpu: str,
    layout: str,
    prompt_tokens: float,
    *,
    precision: str = "bf16",
    batch=1,
    bytes_per_param: float | None = None,
) -> dict:
    """Prompt tokens per second an instance of `layout` prefills, `batch` prompts per GPU at once."""
    b = bind(model, gpu, layout, precision, bytes_per_param)
    _within_context(b, prompt_tokens)
    lay = b["layout"]
    prompts = batch * lay.gpus  # `batch` prompts on each GPU of the instance
    # the serving bundle's prefill (engine.inference.prefill_s_unchecked): an expert-parallel pass over all the
    # instance's prompts, or the TP group's over its own (a TP-only layout is one group)
    rate = prompt_tokens * prompts / float(prefill_s_unchecked(setup_of(b), prompt_tokens, prompts))
    gpus = b["layout"].gpus
    return dict(tokens_per_s=rate, per_gpu=rate / gpus, gpus=gpus)


def _free_gb_per_gpu(b: dict, setup) -> float:
    """GB each GPU of the instance has for KV cache: its usable memory less the weights it holds (the dense part over
    the TP group, the routed experts over EP: engine.parallel.weights_per_gpu_gb); negative when they do not fit."""
    return float(b["gpu"].memory_gb) * USABLE_FRACTION - float(
        parallel.weights_per_gpu_gb(
            setup.params, setup.total_params, setup.expert_share, setup.bytes_per_param, setup.gpus, b["layout"].gpus
        )
    )


def _weights_fit(b: dict, setup, precision: str, bytes_per_param: float | None) -> float:
    """_free_gb_per_gpu, refused when the weights leave no room, naming what sets their bytes: bytes_per_param when
    typed, else the precision."""
    free = _free_gb_per_gpu(b, setup)
    if free <= 0:
        typed = bytes_per_param is not None
        raise FlopsheetError(
            f"the weights ({show_number(setup.bytes_per_param)} bytes each"
            + ("" if typed else f" at precision {precision}")
            + f") take {float(b['gpu'].memory_gb) * USABLE_FRACTION - free:.1f} GB of each GPU, more than the usable "
            f"{USABLE_FRACTION:g} of {show_number(b['gpu'].memory_gb)} GB; type "
            + ("fewer bytes_per_param" if typed else "a smaller precision (fp8, fp4)")
            + " or spread the experts over more GPUs (a larger EP)",
            arg="bytes_per_param" if typed else "precision",
        )
    return free


def held_sequences(
    model: str,
    gpu: str,
    layout: str,
    context: float,
    *,
    precision: str = "bf16",
    kv_bytes: float | None = None,
    bytes_per_param: float | None = None,
) -> int:
    """The most sequences of `context` cached tokens each that an instance of `layout` holds beside its weights (0
    when the weights leave no room): what a scheduler that reserves each request's cache at its full length admits
    (TensorRT-LLM's GUARANTEED_NO_EVICT, context = prompt + output tokens)."""
    b = bind(model, gpu, layout, precision, bytes_per_param, kv_bytes=kv_bytes)
    kv, _ = _sequence(b, context)
    room = _free_gb_per_gpu(b, setup_of(b)) * b["layout"].gpus
    return int(room // kv) if room > 0 and kv > 0 else 0


def ep_decode_ms(
    model: str,
    gpu: str,
    layout: str,
    batch: float,
    context: float,
    *,
    precision: str = "bf16",
    kv_bytes: float | None = None,
    host_us: float = 0.0,
    bytes_per_param: float | None = None,
    host_serial: float | None = None,
) -> float:
    """Milliseconds of one decode step of an instance of `layout` holding `batch` sequences of `context` cached
    tokens each (the serving bundle's step: engine.parallel's expert-parallel one when experts are spread).
    host_us: the serving engine's CPU time per running sequence per step (ITL_MS' host_us), partly overlapped with
    the GPUs' step (engine.inference.host_step_ms); each attention replica has its own scheduler (vLLM's and SGLang's
    data-parallel attention run one engine process per replica), so its CPU works for batch / replicas sequences.
    bytes_per_param: bytes per weight (default the precision's); host_serial: the CPU time's share on the critical path
    (blank: vLLM's, HOST_SERIAL_SHARE)."""
    b = bind(model, gpu, layout, precision, bytes_per_param, kv_bytes=kv_bytes)
    _within_context(b, context, name="context_tokens")
    kv, attn = _sequence(b, context)
    setup = setup_of(b)
    free = _weights_fit(b, setup, precision, bytes_per_param)
    if batch * kv > free * b["layout"].gpus:
        raise FlopsheetError(
            f"a batch of {show_number(batch)} sequences needs {show_number(round(batch * kv, 1))} GB of KV cache, more "
            f"than the {max(free, 0.0) * b['layout'].gpus:.1f} GB the weights leave; the largest that fits is "
            f"{max(int(free * b['layout'].gpus / kv), 0) if kv > 0 else 0}",
            arg="batch",
        )
    step_ms = float(decode_ms_unchecked(setup, batch, batch * kv, attn))
    return float(host_step_ms(step_ms, batch / b["layout"].replicas, host_us, host_serial_share(host_serial)))
