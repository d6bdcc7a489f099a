"""Inference: one request (the seed's compute-bound time beside the roofline), memory, a serving
fleet (SERVING_GPUS; one decode step beside ITL_MS, the time between tokens users see under load), a
mixture of experts (DeepSeek-V3 on 8 H200s) and Kimi K2 with a 2-million-character context. Model names
go straight into the functions (the add-in's catalog); figures shown beside them are looked up on the
Models sheet by the same name."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import engine
from flopsheet.template import i18n
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import GPU_LIST, MODEL_LIST, PRECISION_LIST, Block, Ctx, finish, validate_list, widths

WHY_TENFOLD = (
    "Why the two times differ about tenfold: the seed divides the request's FLOPs by the GPU's peak, as if it "
    "multiplied all the time. But an answer is generated one token at a time, and each step first reads every "
    "weight from memory (GPT-3's FP16 weights are 350 GB, more than four 80 GB A100s hold). At batch 1 a step "
    "waits on memory bandwidth, not arithmetic, so the roofline time per token is weights / bandwidth. The "
    "compute-bound figure is a floor reached only when many requests share each weight read (large batch)."
)


def _gpu_inputs(ws, b: Block, prefix: str, gpu: str, precision: str) -> None:
    g = b.input(f"{prefix}gpu", "GPU", gpu, "", note="From the GPUs sheet (dropdown)")
    p = b.input(f"{prefix}precision", "Precision", precision, "", note="Peak used for compute-bound parts")
    validate_list(ws, GPU_LIST, g.replace("$", ""), "Pick a GPU from the GPUs sheet")
    validate_list(ws, PRECISION_LIST, p.replace("$", ""), "Pick a precision")


def _request(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    q = sc.Request()
    name = "GPT-3 answer (seed)"
    b.section("One request: the seed's GPT-3 answer (20-token prompt, 300-token answer)")
    b.input("params", "Parameters", q.params, "params", st.PARAMS, note="GPT-3 175B (Brown et al. 2020)")
    b.input("prompt", "Prompt tokens", q.prompt_tokens, "tokens", st.WHOLE)
    b.input("output", "Answer tokens", q.output_tokens, "tokens", st.WHOLE)
    _gpu_inputs(ws, b, "", q.gpu, q.precision)
    b.input("mfu", "MFU", q.mfu, "fraction", st.PCT, note="The seed's 46.2%; blank: DefaultMFU (Start sheet)")
    b.input("batch", "Batch (requests decoded together)", q.batch, "requests", st.WHOLE)
    b.input("bytes", "Bytes per parameter", q.bytes_per_param, "bytes", st.ONE_DP, note="2 = FP16/BF16")
    b.input("tp", "GPUs in tensor parallel", q.gpus, "GPUs", st.WHOLE, note="350 GB of weights need several A100s")
    b.input("layers", "Layers", q.layers, "", st.WHOLE, note="GPT-3: 96 layers, 96 heads of 128")
    b.input("kv_heads", "KV heads", q.kv_heads, "", st.WHOLE)
    b.input("head_dim", "Head dimension", q.head_dim, "", st.WHOLE)
    used_precision = 'IF({precision}="",DefaultPrecision,{precision})'  # blank: DefaultPrecision, as the calls below
    b.calc("peak", "Dense peak (GPUs sheet)", "=" + ctx.peak_lookup("{gpu}", used_precision), "TFLOPS", st.ONE_DP)
    b.calc("context", "Context held (prompt + answer)", "={prompt}+{output}", "tokens", st.WHOLE)
    b.calc(
        "flops",
        "Compute for the request",
        "=INFER_FLOPS({params},{prompt},{output})",
        "FLOPs",
        st.FLOPS,
        note="Seed row 4: 2 x params x tokens = 1.12E+14",
    )
    b.calc(
        "kv",
        "KV cache for the request",
        "=KV_CACHE_GB({layers},{kv_heads},{head_dim},{context},{batch})",
        "GB",
        st.TWO_DP,
    )
    b.calc(
        "infer_s",
        "Seed's method: compute-bound, one GPU",
        '=INFER_SECONDS({flops},{peak},IF({mfu}="",DefaultMFU,{mfu}))',
        "s",
        st.THREE_DP,
        note="Seed row 5: 0.78 s",
    )
    b.calc(
        "decode_ms",
        "Roofline: one decode step",
        '=DECODE_MS({params},{gpu},{batch},{bytes},{tp},{kv},BwEfficiency,IF({mfu}="",DefaultMFU,{mfu}),IF({precision}="",DefaultPrecision,{precision}))',
        "ms",
        st.ONE_DP,
        note="max(bytes read / bandwidth, FLOPs / peak), on the tensor-parallel GPUs",
    )
    b.calc(
        "response_s",
        "Roofline: whole answer",
        "=RESPONSE_SECONDS({params},{prompt},{output},{gpu},{batch},{bytes},{tp},{kv},BwEfficiency,"
        'IF({mfu}="",DefaultMFU,{mfu}),'
        'IF({precision}="",DefaultPrecision,{precision}))',
        "s",
        st.TWO_DP,
        note="Prefill (compute-bound) + one decode step per answer token. The Seed "
        "check and README say 8.05 s: the same call without the KV cache (reading its 1.5 GB each step: 8.087 s vs 8.053 s)",
    )
    b.calc("ratio", "Roofline / seed", "={response_s}/{infer_s}", "x", st.ONE_DP)
    b.note(WHY_TENFOLD)

    o = ctx.output
    o(ws.title, "peak", "dense peak", "TFLOPS", name, show=False)
    o(ws.title, "context", "context", "tokens", name, show=False)
    o(ws.title, "flops", "", "FLOPs", name)
    o(ws.title, "kv", "KV cache", "GB", name, show=False)
    o(ws.title, "infer_s", "compute-bound on 1 GPU (seed)", "s", name)
    o(ws.title, "decode_ms", f"per token on {q.gpus:g} GPUs (roofline)", "ms", name)
    o(ws.title, "response_s", f"whole answer on {q.gpus:g} GPUs (roofline)", "s", name)
    o(ws.title, "ratio", "roofline / seed", "x", name)

    b.section("Memory: does the model fit?")
    b.calc("weights", "Weights", "=WEIGHTS_GB({params},{bytes})", "GB", st.WHOLE)
    b.calc("total", "Weights + KV cache", "={weights}+{kv}", "GB", st.WHOLE)
    b.calc(
        "fit",
        "GPUs to hold it",
        "=GPUS_TO_FIT({total},{gpu},UsableMemory)",
        "GPUs",
        st.WHOLE,
        note="Memory per GPU from the catalog x UsableMemory",
    )
    b.calc(
        "train_mem",
        "Training memory (weights, gradients, Adam)",
        "=TRAIN_MEMORY_GB({params})",
        "GB",
        st.WHOLE,
        note="16 bytes per parameter (ZeRO), activations excluded",
    )
    b.calc(
        "train_fit", "GPUs to hold the training state", "=GPUS_TO_FIT({train_mem},{gpu},UsableMemory)", "GPUs", st.WHOLE
    )
    mem = "GPT-3 memory"
    o(ws.title, "weights", "weights", "GB", mem)
    o(ws.title, "total", "weights + KV", "GB", mem, show=False)
    o(ws.title, "fit", "to hold them", "GPUs", mem)
    o(ws.title, "train_mem", "training state", "GB", mem)
    o(ws.title, "train_fit", "to hold the training state", "GPUs", mem)


def _model_input(ws, b: Block, key: str, model: str, note: str) -> None:
    m = b.input(key, "Model", model, "", note=note)
    validate_list(ws, MODEL_LIST, m.replace("$", ""), "Pick a model from the Models sheet (or type a catalog name)")


def _serving(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    s = sc.Serving()
    b.section(f"Serving: GPUs for a daily load ({s.name})")
    b.input("s_requests", "Requests per day", s.requests_per_day, "requests", st.WHOLE)
    b.input("s_prompt", "Prompt tokens per request", s.prompt_tokens, "tokens", st.WHOLE)
    b.input("s_output", "Answer tokens per request", s.output_tokens, "tokens", st.WHOLE)
    _model_input(ws, b, "s_model", s.model, "Models sheet: 70.6B, 80 layers, 8 KV heads of 128 (GQA)")
    b.calc(
        "s_params",
        "Parameters (Models sheet)",
        f"={ctx.model_lookup('{s_model}', 'total_params')}",
        "params",
        st.PARAMS,
    )
    _gpu_inputs(ws, b, "s_", s.gpu, s.precision)
    b.input("s_bytes", "Bytes per parameter", s.bytes_per_param, "bytes", st.ONE_DP)
    b.input(
        "s_tp",
        "GPUs per replica (tensor parallel)",
        s.gpus_per_replica,
        "GPUs",
        st.WHOLE,
        note="A valid degree: it divides the model's 64 heads and 8 KV heads, within one 8-GPU server",
    )
    b.input(
        "s_load",
        "Average load",
        s.load_factor,
        "fraction",
        st.PCT,
        note="Share of the day a replica runs at full batch (traffic peaks, idle nights)",
    )
    b.input(
        "s_latency",
        "Latency target per answer token",
        s.latency_ms,
        "ms",
        st.WHOLE,
        note="Estimate: 50 ms = 20 tokens/s per user; the fleet batches only as far as this allows",
    )
    b.input(
        "s_peak",
        "Peak-hour factor (busiest hour / average)",
        s.peak_factor,
        "x",
        st.ONE_DP,
        note="Estimate: the fleet is sized for its busiest hour, not the daily average",
    )
    b.calc("s_context", "Context per request", "={s_prompt}+{s_output}", "tokens", st.WHOLE)
    b.input(
        "s_held",
        "Share of the answer a request holds while it decodes",
        s.answer_held,
        "fraction",
        st.PCT,
        note="Half on average: a batch holds requests at every stage of their answers (the add-in's running context)",
    )
    b.calc(
        "s_running",
        "Running context (prompt + the answer held)",
        "={s_prompt}+ROUNDUP({s_output}*{s_held},0)",
        "tokens",
        st.WHOLE,
        note="Rounded up to a whole token",
    )
    b.input(
        "s_kv_bytes",
        "Bytes per cached value",
        s.kv_bytes,
        "bytes",
        st.ONE_DP,
        note="2 = BF16, the cache the add-in charges when kv_gb is left out",
    )
    b.calc(
        "s_kv",
        "KV cache of one request",
        "=KV_CACHE_GB({s_model},{s_running},1,{s_kv_bytes},{s_tp})",
        "GB",
        st.TWO_DP,
        note="The model's own BF16 cache (GQA: 8 KV heads) at the running context, split over the replica's GPUs",
    )
    b.calc("s_weights", "Weights", "=WEIGHTS_GB({s_model},{s_bytes})", "GB", st.WHOLE)
    b.calc(
        "s_fit",
        "GPUs a replica needs for memory",
        "=GPUS_TO_FIT({s_weights}+{s_kv},{s_gpu},UsableMemory)",
        "GPUs",
        st.WHOLE,
        note="Weights and one request's cache; must not exceed GPUs per replica",
    )
    b.calc(
        "s_batch",
        "Serving batch per replica",
        "=SERVING_BATCH({s_model},{s_gpu},{s_bytes},{s_tp},BwEfficiency,DefaultMFU,"
        'IF({s_precision}="",DefaultPrecision,{s_precision}),AllReduceUs,{s_running},{s_latency})',
        "requests",
        st.WHOLE,
        note="The largest batch whose caches fit beside the weights and whose step meets the latency target "
        "(what TOKENS_PER_SECOND and COST_PER_MTOK take when batch is left out)",
    )
    b.calc(
        "s_tps",
        "Replica throughput at the serving batch",
        "=TOKENS_PER_SECOND({s_model},{s_gpu},{s_batch},{s_bytes},{s_tp},,"
        'BwEfficiency,DefaultMFU,IF({s_precision}="",DefaultPrecision,{s_precision}),AllReduceUs,{s_running})',
        "tokens/s",
        st.WHOLE,
        note="kv_gb left out: the model's own cache at the running context, for every request of the batch",
    )
    b.calc(
        "s_decode_ms",
        "One decode step at the serving batch",
        "=DECODE_MS({s_model},{s_gpu},{s_batch},{s_bytes},{s_tp},,"
        'BwEfficiency,DefaultMFU,IF({s_precision}="",DefaultPrecision,{s_precision}),AllReduceUs,{s_running})',
        "ms",
        st.ONE_DP,
        note="DECODE_MS: the GPUs' time to give every request of the batch one token; the serving batch keeps "
        "this under the latency target",
    )
    b.calc(
        "s_itl",
        "Between two tokens under load (what users see)",
        "=ITL_MS({s_model},{s_prompt},{s_output},{s_gpu},{s_batch},{s_bytes},{s_tp},,"
        'BwEfficiency,DefaultMFU,IF({s_precision}="",DefaultPrecision,{s_precision}),AllReduceUs,PrefillMFU,HostUs)',
        "ms",
        st.ONE_DP,
        note="ITL_MS: that step plus the other requests' prompts prefilled in chunks inside it ((batch - 1) x "
        "prompt / answer tokens a step, at PrefillMFU), or batch x HostUs of server CPU when longer",
    )
    b.note(
        "One decode step is the roofline's time per token, what the latency target and the throughput above are "
        "computed on. A loaded server that batches continuously (vLLM, SGLang, TensorRT-LLM) also prefills the "
        "arriving requests' prompts in chunks inside its decode steps, so its users wait longer between tokens: "
        "ITL_MS, the figure to compare with a measured inter-token latency. When it exceeds the target, a smaller "
        "batch or shorter prompts bring it down."
    )
    b.calc("s_demand", "Answer tokens per day", "={s_requests}*{s_output}", "tokens", st.SCI)
    b.calc("s_capacity", "Answer tokens per replica per day", "={s_tps}*SecondsPerDay*{s_load}", "tokens", st.SCI)
    # The summary takes this cell's value from engine.serving_replicas (the engine's count rule);
    # the spreadsheet's ROUNDUP snaps float noise itself (15 digits in Excel, 12 in LibreOffice).
    b.calc(
        "s_replicas",
        "Replicas (decode only, daily average)",
        "=ROUNDUP({s_demand}/{s_capacity},0)",
        "replicas",
        st.WHOLE,
    )
    b.calc(
        "s_gpus_decode",
        "GPUs by decode alone at the daily average",
        "={s_replicas}*{s_tp}",
        "GPUs",
        st.WHOLE,
        note="What the roofline alone gives: it ignores prefill and sizes to the average hour",
    )
    # SERVING_GPUS takes the Models sheet's parameter count, not the name: its model form's twin (all-reduces,
    # decode and prefill attention inside the largest-batch search) is SERVING_BATCH's unrolled search, about 450
    # Workings cells a call in the hand-off copy, and a dense 70B's all-reduces at this batch do not change the
    # count (16 either way).
    b.calc(
        "s_gpus",
        "GPUs needed",
        "=SERVING_GPUS({s_requests},{s_prompt},{s_output},{s_params},{s_gpu},{s_tp},"
        '{s_latency},{s_peak},{s_kv},{s_bytes},BwEfficiency,DefaultMFU,IF({s_precision}="",DefaultPrecision,{s_precision}),'
        "AllReduceUs,PrefillMFU)",
        "GPUs",
        st.WHOLE,
        note="SERVING_GPUS: prefill + decode compute at the peak hour, largest batch under the latency target "
        "that fits in memory (parameters from the Models sheet; BwEfficiency, DefaultMFU)",
    )
    b.note(
        "SERVING_GPUS counts what the decode-only rows leave out: prefilling each prompt (2 x params x prompt "
        "tokens plus causal attention) takes compute on the same GPUs, and the fleet must carry the busiest hour."
    )

    o, n = ctx.output, s.name
    o(ws.title, "s_params", "parameters", "params", n, show=False)
    o(ws.title, "s_context", "context", "tokens", n, show=False)
    o(ws.title, "s_running", "running context", "tokens", n, show=False)
    o(ws.title, "s_batch", "serving batch per replica", "requests", n)
    o(ws.title, "s_kv", "KV cache per request", "GB", n, show=False)
    o(ws.title, "s_weights", "weights", "GB", n, show=False)
    o(ws.title, "s_fit", "for memory", "GPUs", n, show=False)
    o(ws.title, "s_tps", "per replica", "tokens/s", n)
    o(ws.title, "s_decode_ms", "one decode step at the serving batch", "ms", n)
    o(ws.title, "s_itl", "between two tokens under load", "ms", n)
    o(ws.title, "s_demand", "answer tokens/day", "", n, show=False)
    o(ws.title, "s_capacity", "per replica per day", "tokens", n, show=False)
    o(
        ws.title,
        "s_replicas",
        "replicas (decode only)",
        "",
        n,
        show=False,
        engine=(
            engine.serving_replicas,
            {
                "requests_per_day": "s_requests",
                "output_tokens": "s_output",
                "tokens_per_second": "s_tps",
                "load_factor": "s_load",
            },
        ),
    )
    o(ws.title, "s_gpus_decode", f"{s.gpu}s by decode alone (daily average)", "", n)
    o(ws.title, "s_gpus", f"{s.gpu}s for {s.requests_per_day:,.0f} requests/day (prefill + decode, peak hour)", "", n)


def _moe(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    m = sc.MoEServing()
    b.section(f"Mixture of experts: {m.name}")
    _model_input(ws, b, "m_model", m.model, "DeepSeek-AI 2024: 671B total, 37B active, 256 routed experts, 8 per token")
    b.calc(
        "m_total",
        "Total parameters (Models sheet)",
        f"={ctx.model_lookup('{m_model}', 'total_params')}",
        "params",
        st.PARAMS,
        note="Every expert is held in memory",
    )
    b.calc(
        "m_active",
        "Active parameters per token (Models sheet)",
        f"={ctx.model_lookup('{m_model}', 'active_params')}",
        "params",
        st.PARAMS,
        note="What each token computes with",
    )
    b.calc("m_experts", "Routed experts (Models sheet)", f"={ctx.model_lookup('{m_model}', 'experts')}", "", st.WHOLE)
    b.calc(
        "m_per_token",
        "Experts per token (Models sheet)",
        f"={ctx.model_lookup('{m_model}', 'experts_per_token')}",
        "",
        st.WHOLE,
    )
    _gpu_inputs(ws, b, "m_", m.gpu, m.precision)
    b.input(
        "m_bytes",
        "Bytes per parameter",
        m.bytes_per_param,
        "bytes",
        st.ONE_DP,
        note="1 = FP8, the precision DeepSeek-V3's weights are released in",
    )
    b.input("m_tp", "GPUs in tensor parallel", m.gpus, "GPUs", st.WHOLE, note="One 8-GPU server")
    b.input("m_batch", "Batch (requests decoded together)", m.batch, "requests", st.WHOLE)
    b.input("m_prompt", "Prompt tokens", m.prompt_tokens, "tokens", st.WHOLE)
    b.input("m_output", "Answer tokens", m.output_tokens, "tokens", st.WHOLE)
    b.calc("m_context", "Context per request", "={m_prompt}+{m_output}", "tokens", st.WHOLE)
    b.calc(
        "m_running",
        "Running context (prompt + the answer held)",
        "={m_prompt}+ROUNDUP({m_output}*{s_held},0)",
        "tokens",
        st.WHOLE,
        note="The serving card's share of the answer held, rounded up to a whole token",
    )
    b.calc(
        "m_kv",
        "KV cache of the batch (latent)",
        "=KV_CACHE_GB({m_model},{m_running},{m_batch},{s_kv_bytes},{m_tp})",
        "GB",
        st.ONE_DP,
        note="The model's own BF16 cache at the running context: MLA caches a 512 + 64 latent per layer per "
        "token, held on every tensor-parallel GPU",
    )
    b.calc("m_weights", "Weights (all experts)", "=WEIGHTS_GB({m_model},{m_bytes})", "GB", st.WHOLE)
    b.calc(
        "m_fit",
        "GPUs to hold weights + cache",
        "=GPUS_TO_FIT({m_weights}+{m_kv},{m_gpu},UsableMemory)",
        "GPUs",
        st.WHOLE,
        note="Must not exceed the GPUs in tensor parallel",
    )
    b.calc(
        "m_decode_ms",
        "Decode step at this batch",
        '=DECODE_MS({m_model},{m_gpu},{m_batch},{m_bytes},{m_tp},,BwEfficiency,DefaultMFU,IF({m_precision}="",DefaultPrecision,{m_precision}),AllReduceUs,{m_running})',
        "ms",
        st.ONE_DP,
        note="Reads the experts the batch touches (1-(1-8/256)^64 = 87% of them at batch 64) and the model's "
        "own cache (kv_gb left out), with its attention against that cache",
    )
    b.calc(
        "m_dense_ms",
        "Same step if only the active parameters were read",
        '=DECODE_MS({m_active},{m_gpu},{m_batch},{m_bytes},{m_tp},{m_kv},BwEfficiency,DefaultMFU,IF({m_precision}="",DefaultPrecision,{m_precision}))',
        "ms",
        st.ONE_DP,
        note="What typing 37B as params gives: too fast, the other experts' reads are missing",
    )
    b.calc(
        "m_itl",
        "Between two tokens under load (what users see)",
        "=ITL_MS({m_model},{m_prompt},{m_output},{m_gpu},{m_batch},{m_bytes},{m_tp},,"
        'BwEfficiency,DefaultMFU,IF({m_precision}="",DefaultPrecision,{m_precision}),AllReduceUs,PrefillMFU,HostUs)',
        "ms",
        st.ONE_DP,
        note="ITL_MS: the decode step plus the other requests' prompt chunks riding on it (their tokens join the "
        "step's expert GEMMs), or batch x HostUs of server CPU when longer",
    )
    b.calc(
        "m_tps",
        "Throughput",
        "=TOKENS_PER_SECOND({m_model},{m_gpu},{m_batch},{m_bytes},{m_tp},,"
        'BwEfficiency,DefaultMFU,IF({m_precision}="",DefaultPrecision,{m_precision}),AllReduceUs,{m_running})',
        "tokens/s",
        st.WHOLE,
        note="kv_gb left out: the model's own cache at the running context",
    )
    b.calc(
        "m_ttft",
        "Time to first token (the batch's prompts)",
        "=TTFT_SECONDS({m_model},{m_prompt},{m_gpu},{m_batch},{m_bytes},{m_tp},BwEfficiency,PrefillMFU,"
        'IF({m_precision}="",DefaultPrecision,{m_precision}))',
        "s",
        st.TWO_DP,
        note="Prefill: active-parameter FLOPs with causal attention, or one read of the weights, whichever is slower",
    )
    b.calc(
        "m_response_s",
        "Whole answer",
        "=RESPONSE_SECONDS({m_model},{m_prompt},{m_output},{m_gpu},{m_batch},{m_bytes},{m_tp},,"
        'BwEfficiency,DefaultMFU,IF({m_precision}="",DefaultPrecision,{m_precision}),AllReduceUs,PrefillMFU)',
        "s",
        st.TWO_DP,
        note="Time to first token + one decode step per answer token (the model's own cache at the running context)",
    )

    o, n = ctx.output, m.name
    for key, label, unit in (
        ("m_total", "total parameters", "params"),
        ("m_active", "active parameters", "params"),
        ("m_experts", "routed experts", ""),
        ("m_per_token", "experts per token", ""),
        ("m_context", "context", "tokens"),
        ("m_running", "running context", "tokens"),
    ):
        o(ws.title, key, label, unit, n, show=False)
    o(ws.title, "m_kv", "latent KV cache", "GB", n)
    o(ws.title, "m_weights", "weights", "GB", n)
    o(ws.title, "m_fit", f"{m.gpu}s to hold it", "", n)
    o(ws.title, "m_decode_ms", f"per token at batch {m.batch:g}", "ms", n)
    o(ws.title, "m_dense_ms", "per token if only active weights were read", "ms", n, show=False)
    o(ws.title, "m_itl", "between two tokens under load", "ms", n)
    o(ws.title, "m_tps", "throughput", "tokens/s", n)
    o(ws.title, "m_ttft", "time to first token", "s", n)
    o(ws.title, "m_response_s", "whole answer", "s", n)


def _long_context(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    k = sc.LongContext()
    name = "Kimi K2, 2M Chinese characters"
    b.section("Long context: Kimi's 2 million Chinese characters (Moonshot AI, March 2024), on Kimi K2")
    b.input("k_chars", "Chinese characters in the context", k.characters, "characters", st.WHOLE)
    b.input(
        "k_unit",
        "Tokens per character",
        k.unit,
        "",
        note='"zh_char" = 0.6 (DeepSeek); Moonshot: 1.5-2 '
        "characters per token, type 0.5 or 0.67; Kimi: 2M characters ~ 1M tokens",
    )
    _model_input(
        ws,
        b,
        "k_model",
        k.model,
        "Moonshot AI 2025: 1T total, 32B active, MLA like DeepSeek-V3. Its "
        "stated context (Models sheet) is shorter: this is a what-if",
    )
    b.calc(
        "k_params",
        "Active parameters per token (Models sheet)",
        f"={ctx.model_lookup('{k_model}', 'active_params')}",
        "params",
        st.PARAMS,
    )
    b.calc(
        "k_context_max",
        "Context the developer states (Models sheet)",
        f"={ctx.model_lookup('{k_model}', 'context')}",
        "tokens",
        st.WHOLE,
    )
    b.input("k_output", "Answer tokens", k.output_tokens, "tokens", st.WHOLE)
    b.input(
        "k_bytes", "Bytes per weight", k.bytes_per_param, "bytes", st.ONE_DP, note="1 = FP8, as Kimi K2 is released"
    )
    b.input(
        "k_kv_bytes",
        "Bytes per cached value",
        k.kv_bytes,
        "bytes",
        st.ONE_DP,
        note="Assumption: an FP8 cache (2 = BF16 doubles the cache and needs more GPUs)",
    )
    b.input("k_batch", "Sequences at once", k.batch, "", st.WHOLE)
    _gpu_inputs(ws, b, "k_", k.gpu, k.precision)
    b.input("k_tp", "GPUs in tensor parallel", k.gpus, "GPUs", st.WHOLE, note="One 8-GPU server (a valid degree)")
    b.calc("k_tokens", "Tokens in the context", "=TEXT_TOKENS({k_chars},{k_unit})", "tokens", st.WHOLE)
    b.calc(
        "k_kv",
        "KV cache (latent, on every GPU)",
        "=KV_CACHE_GB({k_model},{k_tokens},{k_batch},{k_kv_bytes},{k_tp})",
        "GB",
        st.WHOLE,
        note="61 layers x (512 + 64) values per token, once per tensor-parallel GPU",
    )
    b.calc("k_weights", "Weights", "=WEIGHTS_GB({k_model},{k_bytes})", "GB", st.WHOLE)
    b.calc(
        "k_fit",
        "GPUs to hold weights + cache",
        "=GPUS_TO_FIT({k_weights}+{k_kv},{k_gpu},UsableMemory)",
        "GPUs",
        st.WHOLE,
        note="Must not exceed the GPUs in tensor parallel",
    )
    b.calc(
        "k_flops",
        "Compute, 2 x active params per token",
        "=INFER_FLOPS({k_params},{k_tokens},{k_output})",
        "FLOPs",
        st.FLOPS,
    )
    b.calc(
        "k_flops_attn",
        "Compute with attention",
        "=INFER_FLOPS({k_model},{k_tokens},{k_output})",
        "FLOPs",
        st.FLOPS,
        note="A model name brings its attention term (layers x heads x head_dim): at this length "
        "attention, not the weights, dominates",
    )
    b.calc("k_attn_ratio", "With attention / without", "={k_flops_attn}/{k_flops}", "x", st.ONE_DP)
    b.calc(
        "k_prefill_s",
        "Reading the context once (time to first token)",
        # TTFT_SECONDS refuses a prompt beyond the model's stated context (issue 20): this what-if is the
        # request's FLOPs with attention (the answer's 500 tokens add 0.1%) at PrefillMFU of the GPUs' peak
        "=INFER_SECONDS({k_flops_attn},{k_gpu},PrefillMFU,"
        'IF({k_precision}="",DefaultPrecision,{k_precision}))*{k_batch}/{k_tp}',
        "s",
        st.WHOLE,
        note="Beyond the stated context TTFT_SECONDS refuses the prompt: here its FLOPs (with attention) at "
        "PrefillMFU of the GPUs' peak",
    )
    b.calc(
        "k_decode_ms",
        "Then each answer token",
        "=DECODE_MS({k_model},{k_gpu},{k_batch},{k_bytes},{k_tp},{k_kv},"
        'BwEfficiency,DefaultMFU,IF({k_precision}="",DefaultPrecision,{k_precision}))',
        "ms",
        st.ONE_DP,
        note="Every step reads the experts it touches and the whole cache",
    )

    o = ctx.output
    o(ws.title, "k_params", "active parameters", "params", name, show=False)
    o(ws.title, "k_context_max", "stated context", "tokens", name, show=False)
    o(ws.title, "k_tokens", "", "tokens", name)
    o(ws.title, "k_kv", "latent KV cache", "GB", name)
    o(ws.title, "k_weights", "weights", "GB", name, show=False)
    o(ws.title, "k_fit", f"{k.gpu}s to hold it", "", name)
    o(ws.title, "k_flops", "without attention", "FLOPs", name, show=False)
    o(ws.title, "k_flops_attn", "with attention", "FLOPs", name)
    o(ws.title, "k_attn_ratio", "attention factor", "x", name, show=False)
    o(ws.title, "k_prefill_s", "to read the context", "s", name)
    o(ws.title, "k_decode_ms", "per answer token", "ms", name)


def write(ws: Worksheet, ctx: Ctx) -> None:
    b = Block(ws, ctx)
    b.title("Inference: time per request, memory, serving, mixture of experts and long context")
    b.note(
        i18n.pick(
            "Inputs are yellow. Function cells show #NAME? until the add-in is on (see Start). Memory and "
            "bandwidth come from the add-in's built-in catalog by GPU name; peaks from the GPUs sheet.",
            "Inputs are yellow. Every formula is native Excel; peaks, memory and bandwidth are looked up on "
            "the GPUs sheet by GPU name, so edits there flow through.",
        )
    )
    _request(ws, ctx, b)
    _serving(ws, ctx, b)
    _moe(ws, ctx, b)
    _long_context(ws, ctx, b)
    widths(ws, 46, 14, 10, 100)
    finish(ws, f"A1:D{b.row - 1}", landscape=False, freeze="A2")
