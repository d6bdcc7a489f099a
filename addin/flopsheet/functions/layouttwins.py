"""The LAYOUT_ functions' native twins (issue 20, item 7): a forward pass of an expert-parallel instance
(engine.moe.expert_parallel_seconds, through engine.inference.decode_ms_unchecked and prefill_s_unchecked,
functions.layout.ep_decode_ms, ep_prefill and ep_serving) written in the twins' placeholders, in the engine's
operation order; LAYOUT_TOKENS_PER_SECOND's serving batch searched as engine.parallel.largest_ep_batch does.

The layout, the GPU, the precision and the model are typed in the formula or held by one cell each (the hand-off
reads the cell and the copy tests that it still holds that text: handoff.translate's _cells_as_typed, render_model's
test for a model): the layout's degrees and the GPU's platform (its NVLink domain and scale-out NIC,
catalog/platforms.csv) are then numbers the hand-off works out and checks as Python does (handoff.twins.TwinCall
.layout_figure: {layout:x}); the model's figures are looked up on the Models sheet ({model:x}) and the GPU's on the
GPUs sheet, so edits there flow through. The batch, the cached
tokens, kv_bytes and host_us may be in cells; where Python refuses them (a fractional batch, a context beyond the
model's, a cache that does not fit beside the weights) the twin is #N/A. A tensor-parallel layout is DECODE_MS'
step (its own twin).
"""

from __future__ import annotations

from flopsheet.engine.inference import (
    DEFAULT_ALLREDUCE_US,
    DEFAULT_BW_EFFICIENCY,
    DEFAULT_PREFILL_MFU,
    EP_COLLECTIVE_PER_ALLREDUCE,
    HOST_SERIAL_SHARE,
    USABLE_FRACTION,
)
from flopsheet.engine.moe import (
    A2A_EFFICIENCY,
    COMBINE_BYTES,
    DEFAULT_EXPERT_IMBALANCE,
    GROUPED_GEMM_HALF_TOKENS,
    MICRO_BATCHES,
    OVERLAP_SHARE,
)
from flopsheet.engine.training import DEFAULT_MFU
from flopsheet.functions.inference import HOST_TEXT, SERIAL_TEXT, kv_seq_at
from flopsheet.functions.twintext import unrolled_bisection

# the engine's constants, typed as the same numbers (as functions/inference.py types USABLE_FRACTION)
_IMB = repr(DEFAULT_EXPERT_IMBALANCE)
_HALF = repr(GROUPED_GEMM_HALF_TOKENS)
_A2A = repr(A2A_EFFICIENCY)
_AR_S = repr(DEFAULT_ALLREDUCE_US * EP_COLLECTIVE_PER_ALLREDUCE * 1e-6)  # one collective's fixed cost, seconds
# the server's CPU time (engine.inference.host_step_ms), as the serving functions' twins read it (functions.inference's
# HOST_TEXT, SERIAL_TEXT: an empty host_us is none, an empty host_serial vLLM's share); a typed share is from 0 to 1,
# as Python refuses it
_SERIAL_OK = '[[?host_serial:(({host_serial}="")+(({host_serial}>=0)*({host_serial}<=1))>0)||1]]'


def _larger(a: str, b: str) -> str:
    """The larger of two steps, element by element (handoff.twins writes MAX for one-cell calls)."""
    return "IF({step:" + a + "}>={step:" + b + "},{step:" + a + "},{step:" + b + "})"


def _smaller(a: str, b: str) -> str:
    return "IF({step:" + a + "}<={step:" + b + "},{step:" + a + "},{step:" + b + "})"


# the routed and the other parameters, read by every pass of a twin
_SHARED = (
    (
        "ep_routed",
        "the model's routed experts' parameters",
        "({model:total_params}-{model:active_params})/(1-{model:share})",
    ),
    (
        "ep_dense",
        "its other parameters (attention, dense layers, shared experts)",
        "{model:total_params}-{step:ep_routed}",
    ),
)


def ep_forward_steps(tokens: str, attn: str, kv_gb: str, mfu: float, decode: bool = True) -> tuple:
    """Steps ending in {step:ep_s}, the seconds of one forward pass of an expert-parallel instance moving `tokens`
    tokens with `attn` FLOPs of attention and `kv_gb` GB of KV cache over the whole instance, computing at `mfu` of
    the peak per unit of the precision's share (engine.moe.expert_parallel_seconds, through
    engine.inference._ep_forward_s: each collective's fixed cost EP_COLLECTIVE_PER_ALLREDUCE x the all-reduce's)."""
    return _SHARED + ep_pass_steps(tokens, attn, kv_gb, mfu, decode)


def ep_pass_steps(tokens: str, attn: str, kv_gb: str, mfu: float, decode: bool = True) -> tuple:
    """ep_forward_steps without the parameters' split (_SHARED). `decode`: a decode step's GEMVs stream at the
    accelerator's share of the bandwidth ({layout:bw_share}: AMD CDNA3's below 1); a prefill's GEMMs do not."""
    bw_share = "*{layout:bw_share}" if decode else ""
    return (
        (
            "ep_touched",
            "share of the routed experts some token of the pass picks",
            "1-EXP(MAX(-700," + tokens + "*LN(1-{model:share})))",
        ),
        (
            "ep_wbytes",
            "bytes of weights the busiest GPU reads a pass",
            "({step:ep_dense}/{layout:tp}+{step:ep_routed}/{layout:gpus}*{step:ep_touched})*{layout:bytes}",
        ),
        ("ep_kvb", "bytes of KV cache each GPU reads a pass", kv_gb + "*1E9/{layout:gpus}"),
        ("ep_rate", "bytes/s one GPU reads", "{gpu:bandwidth_tbs}*1E12*" + repr(DEFAULT_BW_EFFICIENCY) + bw_share),
        ("ep_flops", "FLOP/s one GPU computes in the pass", "{peak}*1E12*" + repr(mfu) + "*{layout:share}"),
        (
            "ep_per_expert",
            "tokens the busiest GPU's experts each receive (routing imbalance)",
            tokens + "*{model:share}*" + _IMB + "/{step:ep_touched}",
        ),
        (
            "ep_expert_s",
            "the busiest GPU's grouped expert GEMMs, at their tokens' and their width's share of the rate (s)",
            "2*{model:share}*{step:ep_routed}*" + tokens + "*" + _IMB + "/{layout:gpus}"
            "*(1+{model:expert_cost}+" + _HALF + "/{step:ep_per_expert})/{step:ep_flops}",
        ),
        (
            "ep_gemm_s",
            "one GPU's GEMMs: its share of the dense part, and its experts (s)",
            "2*{step:ep_dense}*" + tokens + "/{layout:gpus}/{step:ep_flops}+{step:ep_expert_s}",
        ),
        (
            "ep_attn_s",
            "one GPU's share of the attention (s)",
            # attention at its own rate (engine.inference.attention_cost: FP8's in an FP4 run)
            attn + "*{layout:attn_cost}/{layout:gpus}/{step:ep_flops}",
        ),
        (
            "ep_copy",
            "bytes one copy of the busiest GPU's tokens moves in a layer's dispatch and combine",
            tokens + "/{layout:gpus}*" + _IMB + "*{model:d_model}*({layout:dispatch}+" + repr(COMBINE_BYTES) + ")",
        ),
        (
            "ep_nv",
            "the copies to each chosen expert over NVLink, one layer (s)",
            "{step:ep_copy}*{model:routed_experts}/({gpu:interconnect_gbs}/2*1E9*" + _A2A + ")",
        ),
        (
            "ep_remote",
            "scale-up domains other than its own a token's experts fall in",
            "({layout:domains}-1)*(1-EXP({model:routed_experts}*{layout:ln_stay}))",
        ),
        (
            "ep_out",
            "one copy per remote domain over the scale-out NIC, one layer (s)",
            "IF({step:ep_remote}>0,{step:ep_copy}*{step:ep_remote}/({layout:scaleout_gbs}*1E9*" + _A2A + "),0)",
        ),
        (
            "ep_a2a",
            "the expert all-to-alls of a pass, NVLink and NIC in parallel (s)",
            "{model:moe_layers}*" + _larger("ep_nv", "ep_out"),
        ),
        # two kernels' rooflines in turn (engine.inference.DECODE_KERNELS): the GEMMs against the weights' read, the
        # attention against the cache's
        ("ep_kvread", "reading the KV cache (s)", "{step:ep_kvb}/{step:ep_rate}"),
        (
            "ep_cache",
            "the attention: the slower of reading the cache and computing (s)",
            _larger("ep_kvread", "ep_attn_s"),
        ),
        ("ep_mem1", "reading the weights once (s)", "{step:ep_wbytes}/{step:ep_rate}"),
        (
            "ep_work1",
            "one batch's work: the slower of reading the weights and the GEMMs, then the attention (s)",
            _larger("ep_mem1", "ep_gemm_s") + "+{step:ep_cache}",
        ),
        ("ep_serial", "one batch: its work, then the all-to-all (s)", "{step:ep_work1}+{step:ep_a2a}"),
        (
            "ep_mem2",
            f"{MICRO_BATCHES} micro-batches reading the weights each (s)",
            repr(float(MICRO_BATCHES)) + "*{step:ep_wbytes}/{step:ep_rate}",
        ),
        ("ep_work2", "the micro-batches' work (s)", _larger("ep_mem2", "ep_gemm_s") + "+{step:ep_cache}"),
        ("ep_hi", "the longer of their work and the all-to-all (s)", _larger("ep_work2", "ep_a2a")),
        ("ep_lo", "the shorter (s)", _smaller("ep_work2", "ep_a2a")),
        (
            "ep_overlap",
            f"micro-batches: the longer, and {1 - OVERLAP_SHARE:g} of the shorter not hidden (s)",
            "{step:ep_hi}+" + repr(1.0 - OVERLAP_SHARE) + "*{step:ep_lo}",
        ),
        ("ep_body", "the faster of one batch and the micro-batches (s)", _smaller("ep_serial", "ep_overlap")),
        (
            "ep_tp_comm",
            "the attention replicas' tensor-parallel all-reduces (s)",
            "IF({layout:tp}>1,2*{model:layers}*("
            + _AR_S
            + "+2*({layout:tp}-1)/{layout:tp}*"
            + tokens
            + "/{layout:replicas}"
            "*{model:d_model}*2/({gpu:interconnect_gbs}/2*1E9)),0)",
        ),
        (
            "ep_s",
            "the pass with each collective's fixed cost and the all-reduces (s)",
            "{step:ep_body}+2*{model:moe_layers}*" + _AR_S + "+{step:ep_tp_comm}",
        ),
    )


# LAYOUT_DECODE_MS: the cache of `batch` sequences at context_tokens, the decode step, the server's CPU time
EP_DECODE_STEPS = (
    ("ep_ctx", "tokens each sequence's cache holds (context_tokens)", "{context_tokens}"),
    (
        "ep_held",
        "token-layers a sequence's cache holds (windowed layers at most their window)",
        "{model:full_layers}*{step:ep_ctx}+{model:sliding_layers}*MIN({step:ep_ctx},{model:sliding_window})",
    ),
    (
        "ep_kv_seq",
        "one sequence's KV cache (GB), copied where the attention's tensor-parallel GPUs outnumber the KV heads, at "
        "kv_bytes a value",
        kv_seq_at("{layout:tp}").replace("{step:held}", "{step:ep_held}") + "*{kv_bytes}/2",
    ),
    ("ep_attn", "attention FLOPs of one decode token against its cache", "4*{model:decode_attn_dim}*{step:ep_held}"),
    *ep_forward_steps("{batch}", "{step:ep_attn}*{batch}", "{batch}*{step:ep_kv_seq}", DEFAULT_MFU),
    (
        "ep_free",
        "GB each GPU's usable memory leaves beside its weights (dense over the TP group, routed experts over EP)",
        "{gpu:memory_gb}*" + repr(USABLE_FRACTION) + "-({step:ep_dense}/{layout:tp}+{step:ep_routed}/{layout:gpus})"
        "*{layout:bytes}/1E9",
    ),
    (
        "ep_host",
        "each attention replica's CPU work for its sequences, host_us each (ms)",
        "{batch}/{layout:replicas}*{host_us}*1E-3",
    ),
    (
        "ep_busy",
        "the GPUs' step plus the CPU's share on the critical path, host_serial of it (blank: "
        f"{HOST_SERIAL_SHARE:g}) (ms)",
        # an omitted host_serial: vLLM's share as a number (the formula as it was)
        "{step:ep_s}*1E3+{batch}/{layout:replicas}*{host_us}*[[?host_serial:"
        + SERIAL_TEXT
        + "*1E-3||"
        + repr(HOST_SERIAL_SHARE * 1e-3)
        + "]]",
    ),
    ("ep_step_ms", "the decode step: that, or the CPU's whole work when longer (ms)", _larger("ep_busy", "ep_host")),
)

# Where Python refuses the call (functions.layout.ep_decode_ms and functions.parallel's argument checks): #N/A
EP_DECODE_TWIN = (
    "IF(({batch}>=1)*({batch}=INT({batch}))*({context_tokens}>=0)*({context_tokens}=INT({context_tokens}))"
    "*({kv_bytes}>0)*({kv_bytes}<=4)*({host_us}>=0)*" + _SERIAL_OK + "*({layout:context_ok})*({step:ep_free}>0)"
    "*({batch}*{step:ep_kv_seq}<={step:ep_free}*{layout:gpus}),{step:ep_step_ms},NA())"
)

# LAYOUT_PREFILL_TOKENS_PER_SECOND: `batch` prompts on each GPU of the instance in one pass, causal attention, no cache
_PREFILL_TOKENS = "{prompt_tokens}*{batch}*{layout:gpus}"
EP_PREFILL_STEPS = (
    (
        "ep_pattn",
        "causal attention FLOPs of the instance's prompts",
        "2*{model:layers}*{model:heads}*{model:head_dim}*{prompt_tokens}^2*{batch}*{layout:gpus}",
    ),
    *ep_forward_steps(_PREFILL_TOKENS, "{step:ep_pattn}", "0", DEFAULT_PREFILL_MFU, decode=False),
)
EP_PREFILL_TWIN = (
    "IF(({prompt_tokens}>=1)*({prompt_tokens}=INT({prompt_tokens}))*({batch}>=1)*({batch}=INT({batch}))"
    "*({layout:prompt_ok})," + _PREFILL_TOKENS + "/{step:ep_s},NA())"
)


# LAYOUT_TOKENS_PER_SECOND (functions.layout.ep_serving through engine.parallel.ep_serving): the instance decodes at
# the batch typed, or the largest whose step meets latency_ms and whose cache fits beside the weights
# (engine.parallel.largest_ep_batch, its bisection unrolled), and prefills each request (one prompt per GPU at a time)
EP_BATCH_CAP = 1 << 20  # engine.parallel.largest_ep_batch's ceiling
EP_BISECTIONS = 21  # [1, 2^20] is one batch after 20 halvings; one more, as Python stops when converged


def _renamed(steps: tuple, suffix: str, keys: set[str]) -> list:
    """`steps` whose keys in `keys` (and the references to them) carry `suffix`."""
    out = []
    for k, label, t in steps:
        for d in keys:
            t = t.replace("{step:" + d + "}", "{step:" + d + suffix + "}")
        out.append((k + suffix if k in keys else k, label, t))
    return out


def _at_batch(base: tuple, batch: str, suffix: str, what: str) -> list:
    """The steps of `base` (written with {b} for the instance's batch) that depend on it, at `batch`, keyed `suffix`."""
    dep: set[str] = set()
    for k, _, t in base:
        if "{b}" in t or any("{step:" + d + "}" in t for d in dep):
            dep.add(k)
    return [
        (k, f"{label}, {what}", t.replace("{b}", batch))
        for k, label, t in _renamed(tuple(s for s in base if s[0] in dep), suffix, dep)
    ]


_CPU_S = "{b}/{layout:replicas}*" + HOST_TEXT + "*1E-6"  # each attention replica's CPU work for its sequences (s)
_DECODE_PASS = (
    *ep_pass_steps("{b}", "{step:ep_attn}*{b}", "{b}*{step:ep_kv_seq}", DEFAULT_MFU),
    (
        "ep_hs",
        "the step with the server's CPU time: the GPUs' plus host_serial of the CPU's, or the CPU's whole work when "
        "longer (s)",
        # omitted host_us and host_serial: the GPUs' step (the formula as it was)
        "[[?host_us,host_serial:IF({step:ep_s}+"
        + _CPU_S
        + "*"
        + SERIAL_TEXT
        + ">="
        + _CPU_S
        + ",{step:ep_s}+"
        + _CPU_S
        + "*"
        + SERIAL_TEXT
        + ","
        + _CPU_S
        + ")||{step:ep_s}]]",
    ),
)
# its steps the batch does not change (a GPU's rates, the domains a token's experts reach): written once
_DECODE_FIXED = tuple(s for s in _DECODE_PASS if s[0] in ("ep_rate", "ep_flops", "ep_remote"))
assert not any("{b}" in t for _, _, t in _DECODE_FIXED)
_LATENCY = "<={latency_ms}/1E3"  # a step's seconds as Python compares them: (ms / 1E3) <= latency_ms / 1E3


def _step_s(suffix: str) -> str:
    return "{step:ep_hs" + suffix + "}*1E3/1E3"


def _search_steps() -> list:
    steps = [
        (
            "sv_top",
            f"largest batch whose KV cache fits beside the weights (at most {EP_BATCH_CAP:,})",
            f"MAX(1,MIN({EP_BATCH_CAP},INT({{step:ep_free}}*{{layout:gpus}}/{{step:ep_kv_seq}})))",
        )
    ]
    steps += _at_batch(_DECODE_PASS, "{step:sv_top}", "_top", "at that batch")
    steps += unrolled_bisection(
        "sv",
        "sv_top",
        lambda batch, suffix, what: _at_batch(_DECODE_PASS, batch, suffix, what),
        lambda suffix: _step_s(suffix) + _LATENCY,
        EP_BISECTIONS,
        "sv_b",
    )
    return steps


_PREFILL_PASS = _renamed(
    ep_pass_steps(
        "MAX({prompt_tokens},1)*{layout:gpus}",
        "2*{model:layers}*{model:heads}*{model:head_dim}*{prompt_tokens}^2*{layout:gpus}",
        "0",
        DEFAULT_PREFILL_MFU,
        decode=False,
    ),
    "_pf",
    {k for k, _, _ in ep_pass_steps("{b}", "0", "0", DEFAULT_PREFILL_MFU)},
)
EP_SERVING_STEPS = (
    (
        "ep_ctx",
        "tokens each sequence's cache holds while decoding: context_tokens, or the prompt and half the answer",
        "[[{context_tokens}||{prompt_tokens}+{output_tokens}/2]]",
    ),
    *(s for s in EP_DECODE_STEPS if s[0] in ("ep_held", "ep_kv_seq", "ep_attn")),
    *_SHARED,
    *(s for s in EP_DECODE_STEPS if s[0] == "ep_free"),
    *_DECODE_FIXED,
    *_search_steps(),
    ("ep_typed", "1 when the call types its batch, 0 when the serving batch is searched", "[[1+0*{batch}||0]]"),
    ("ep_b", "the batch the instance decodes: batch, or the serving batch", "[[{batch}||{step:sv_b}]]"),
    *_at_batch(_DECODE_PASS, "{step:ep_b}", "_b", "at the batch decoded"),
    *(
        (k, f"{label}, the prefill of one prompt on each GPU", t)
        for k, label, t in _PREFILL_PASS
        if k.endswith("_pf") or k not in {s[0] for s in _DECODE_PASS}
    ),
    (
        "ep_prefill",
        "instance-seconds of each request's prefill (one prompt per GPU at a time)",
        "IF({prompt_tokens}>0,{step:ep_s_pf}/{layout:gpus},0)",
    ),
    (
        "ep_tokens_s",
        "output tokens per second of the instance: the answer's tokens over its prefill and its decode steps' share",
        "{output_tokens}/({step:ep_prefill}+{output_tokens}*" + _step_s("_b") + "/{step:ep_b})",
    ),
)
EP_SERVING_TWIN = (
    "IF(({prompt_tokens}>=0)*({prompt_tokens}=INT({prompt_tokens}))*({output_tokens}>=1)"
    "*({output_tokens}=INT({output_tokens}))*({kv_bytes}>0)*({kv_bytes}<=4)*({latency_ms}>0)*({layout:request_ok})"
    "*({step:ep_free}>0)*({step:ep_kv_seq}<={step:ep_free}*{layout:gpus})*[[({batch}>=1)*({batch}=INT({batch}))||1]]"
    "*({step:ep_b}*{step:ep_kv_seq}<={step:ep_free}*{layout:gpus})"
    # a searched batch must meet the target (a typed one need not): Python's "even one sequence takes ..."
    "*[[?host_us:(" + HOST_TEXT + ">=0)||1]]*" + _SERIAL_OK + ""
    "*(({step:ep_typed}=1)+(" + _step_s("_b") + _LATENCY + ")>0),{step:ep_tokens_s},NA())"
)
