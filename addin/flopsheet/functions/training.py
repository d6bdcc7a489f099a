"""Training functions: FLOPs, tokens, GPU time, GPUs for a deadline, cost, energy.

Each is one keyword declaration: defaults, argument binding and error labels come from the
engine formula (see `Function`). Twins (hand-off copies, flopsheet.handoff.twins): {arg},
{peak} = the GPU's dense peak at `precision`, {gpu:field} = a catalog field; the engine's rules
(mfu in (0, 1]...) are added as guards. Same operation order as the engine, so the twin rounds
as the engine does.
"""

from flopsheet import engine
from flopsheet.engine.moe import A2A_EFFICIENCY, GROUPED_GEMM_HALF_TOKENS
from flopsheet.engine.training import A2A_TRAIN_BYTES, EXPERT_SYNC_BYTES, MOE_MICROBATCH_S, train_step_share
from flopsheet.functions._common import (
    FLOPS,
    GOODPUT,
    GPU,
    GPU_NAME,
    OPTIONAL_D_MODEL,
    OPTIONAL_LAYERS,
    PARAMS,
    PRECISION,
    SERVER_W,
    TRAIN_MFU,
)
from flopsheet.functions.declaration import Arg, Function, declared_in
from flopsheet.functions.twintext import count_twin

_KAPLAN = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, §2.1 (C = 6ND)"
_PEAK = (
    "dense peak from the GPU's datasheet (catalog); blank mfu: the training efficiency of the precision's peak "
    "(Epoch AI's median MFU 0.375 for BF16; MLPerf Training and NVIDIA Megatron-Bridge 0.36 of an FP8 peak; "
    "flopsheet engine/training.py); goodput backed out of Llama 3.1 405B (Dubey et al. 2024), PaLM and BLOOM hours"
)
_PER_HOUR = "{flops}/({peak}*1E12*{mfu}*{goodput}*3600)"
_PER_DAY = "{flops}/({peak}*1E12*{mfu}*{goodput}*{const:SecondsPerDay})"


TRAIN_FLOPS = Function(
    name="TRAIN_FLOPS",
    summary="Training compute in FLOPs: 6 x params x tokens, plus attention if layers, d_model and seq_len are given; "
    "a model name gives its active parameters and published tokens.",
    returns="FLOPs",
    nature="estimate",
    nature_why=(
        "6ND counts the weights' multiply-adds; attention only when its shape is typed, embeddings and "
        "recomputation not"
    ),
    args=(
        PARAMS,
        Arg(
            "tokens",
            'Training tokens, e.g. "300B"; optional only when params is a catalog model name '
            "(its published training tokens)",
            default=None,
            from_model=("params", "training_tokens"),
        ),
        Arg("flops_per_param_token", "FLOPs per parameter per token; default 6 (2 forward + 4 backward)"),
        OPTIONAL_LAYERS,
        OPTIONAL_D_MODEL,
        Arg("seq_len", "Training sequence length (optional, for the attention term)"),
    ),
    source=f"{_KAPLAN}; attention term 12*L*d*s per token: Chowdhery et al. 2022 (PaLM), appendix B",
    example=("175B", "300B"),
    formula=engine.train_flops,
    twin='{flops_per_param_token}*{params}*{tokens}[[+IF(({layers}="")*({d_model}="")*({seq_len}=""),0,'
    'IF(({layers}<>"")*({d_model}<>"")*({seq_len}<>""),12*{layers}*{d_model}*{seq_len}*{tokens},NA()))]]',
)

CHINCHILLA_TOKENS = Function(
    name="CHINCHILLA_TOKENS",
    summary="Compute-optimal training tokens for a model size (Chinchilla: about 20 tokens per parameter).",
    returns="tokens",
    nature="estimate",
    nature_why="Chinchilla's rule of thumb (about 20 tokens per parameter), not an optimum for every data set",
    args=(PARAMS, Arg("tokens_per_param", "Tokens per parameter; default 20")),
    source="Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (Chinchilla), Table 3",
    example=("70B",),
    formula=engine.chinchilla_tokens,
    twin="{params}*{tokens_per_param}",
)

GPU_HOURS = Function(
    name="GPU_HOURS",
    summary="GPU-hours to compute flops at mfu of the GPU's dense peak.",
    returns="GPU-hours",
    nature="estimate",
    nature_why="the MFU and goodput defaults are medians of published runs (tests/reference/measured.csv)",
    args=(FLOPS, GPU, TRAIN_MFU, PRECISION, GOODPUT),
    source=_PEAK,
    example=(3.15e23, "A100", 0.462),
    formula=engine.gpu_hours,
    twin=_PER_HOUR,
)

GPU_DAYS = Function(
    name="GPU_DAYS",
    summary="GPU-days to compute flops at mfu of the GPU's dense peak.",
    returns="GPU-days",
    nature="estimate",
    nature_why="the MFU and goodput defaults are medians of published runs (tests/reference/measured.csv)",
    args=(FLOPS, GPU, TRAIN_MFU, PRECISION, GOODPUT),
    source=_PEAK,
    example=(3.15e23, "A100", 0.462, "bf16", 1),
    formula=engine.gpu_days,
    twin=_PER_DAY,
)

TRAIN_DAYS = Function(
    name="TRAIN_DAYS",
    summary="Wall-clock days to compute flops on gpus GPUs.",
    returns="days",
    nature="estimate",
    nature_why="the MFU and goodput defaults are medians of published runs; scaling loss only as the MFU prices it",
    args=(FLOPS, GPU, Arg("gpus", "GPUs training together"), TRAIN_MFU, PRECISION, GOODPUT),
    source=_PEAK,
    example=(3.15e23, "A100", 1000, 0.462),
    formula=engine.train_days,
    twin=_PER_DAY + "/{gpus}",
)

GPUS_NEEDED = Function(
    name="GPUS_NEEDED",
    summary="Whole GPUs needed to compute flops within days wall-clock days (rounded up).",
    returns="GPUs",
    nature="estimate",
    nature_why="the MFU and goodput defaults are medians of published runs (tests/reference/measured.csv)",
    args=(FLOPS, GPU, Arg("days", "Deadline in wall-clock days"), TRAIN_MFU, PRECISION, GOODPUT),
    source=_PEAK,
    example=(9.216e26, "H100", 30, 0.462),
    formula=engine.gpus_needed,
    twin=count_twin("{step:gpus}"),
    twin_steps=(("gpus", "GPUs for the deadline, before rounding up", _PER_DAY + "/{days}"),),
)

TRAIN_COST = Function(
    name="TRAIN_COST",
    summary="Cost in USD of computing flops at a price per GPU-hour (blank: the catalog's dated price for the GPU).",
    returns="USD",
    nature="estimate",
    nature_why="GPU_HOURS' estimate times a dated rental price",
    args=(
        FLOPS,
        GPU,
        Arg(
            "usd_per_gpu_hour",
            "Price of one GPU-hour in USD, 0.01 to 100 (rental or amortised); "
            'optional: blank is the catalog\'s price for the GPU, GPU_SPEC(gpu, "usd_per_gpu_hour"), '
            "whose source and date "
            'GPU_SPEC(gpu, "price_source") and GPU_SPEC(gpu, "price_date") show',
            default=None,
            fallback="usd_per_gpu_hour",
        ),
        TRAIN_MFU,
        PRECISION,
        GOODPUT,
    ),
    source=_PEAK,
    example=(3.15e23, "A100", 2, 0.462),
    formula=engine.train_cost,
    twin=_PER_HOUR + "*{usd_per_gpu_hour}",
)

TRAIN_ENERGY_MWH = Function(
    name="TRAIN_ENERGY_MWH",
    summary="Energy in MWh at the wall: GPU-hours x the server's power per GPU (IT power) x PUE; an upper bound "
    "(servers' maximum power).",
    returns="MWh",
    nature="bound",
    nature_why="GPU_HOURS' estimate at the servers' maximum power x PUE: an upper bound, servers draw less",
    args=(
        FLOPS,
        GPU_NAME,
        TRAIN_MFU,
        PRECISION,
        Arg("pue", "Data-centre power usage effectiveness; default 1.2"),
        GOODPUT,
        SERVER_W,
    ),
    source=(
        "server power per GPU from the catalog's platform figures (DGX H100 10.2 kW / 8...; estimates marked); "
        "PUE 1.1-1.2 as hyperscalers report"
    ),
    example=(3.15e23, "A100", 0.462),
    formula=engine.train_energy_mwh,
    twin=_PER_HOUR + "*{server_w}*{pue}/{const:WattsPerMW}",
)

IMPLIED_MFU = Function(
    name="IMPLIED_MFU",
    summary="MFU a published run's GPU-hours imply: flops / (gpu_hours x 3600 x the GPU's dense peak x goodput); "
    "fed back to GPU_HOURS as mfu with the same goodput, it gives the hours back.",
    returns="fraction",
    nature="estimate",
    nature_why=(
        "exact arithmetic on the published hours, but the goodput it divides by is assumed (1: whole-run "
        "utilisation, exact)"
    ),
    args=(
        FLOPS,
        Arg("gpu_hours", "GPU-hours the run reports (downtime included)"),
        GPU,
        PRECISION,
        Arg(
            "goodput",
            "Productive share of those hours, in (0, 1]; default 0.85 as GPU_HOURS' (Llama 3.1 405B); "
            "1 gives whole-run utilisation (MFU x goodput, downtime included)",
        ),
    ),
    source="Llama 3.1 405B: 3.8E+25 FLOPs in 30.84M H100-hours (Dubey et al. 2024, §3.3 and model card) -> 0.407 "
    "at goodput 0.85 (the paper reports MFU 0.38-0.43), 0.346 at goodput 1",
    example=(3.8e25, 30.84e6, "H100"),
    formula=engine.implied_mfu,
    twin="{flops}/({gpu_hours}*3600*{peak}*1E12*{goodput})",
)

TRAIN_MFU = Function(
    name="TRAIN_MFU",
    summary="MFU a model's training step sustains on a GPU: the precision's peak share, less attention at seq_len, "
    "MoE all-to-all (ep: NVLink), bubble and expert copies of tp, pp, vp and, with gpus and batch_tokens, "
    "per-step overhead; give it to GPU_HOURS as mfu.",
    returns="fraction",
    nature="estimate",
    nature_why=(
        "four terms fitted at once on the training rows of tests/reference/measured.csv (MLPerf Training, model "
        "cards' GPU-hours, published per-step rates); goodput is not in it"
    ),
    args=(
        Arg(
            "params",
            'A catalog model name ("Llama 3.1 70B"; its active parameters, layers, width and experts), or active '
            "parameters as a number (a dense model of unknown shape: no attention or all-to-all term)",
            kind="model",
            model_field="active_params",
        ),
        GPU,
        PRECISION,
        Arg("seq_len", "Training sequence length in tokens (optional; blank: the attention scores are not counted)"),
        Arg("gpus", "GPUs training together (optional, with batch_tokens: the per-step overhead)"),
        Arg("batch_tokens", "Global batch per step in tokens, sequences x seq_len (optional, with gpus)"),
        Arg(
            "share",
            "Share of the peak a dense model's counted work reaches, in (0, 1]; default by precision: 40% of "
            "BF16, 41% of FP8/INT8, 26% of FP4 (estimates fitted on measured.csv)",
            default=None,
            by_precision=train_step_share,
        ),
        Arg(
            "ep",
            "Expert-parallel degree of a mixture of experts inside one NVLink domain (at most 8 on an 8-GPU node, 72 "
            "on an NVL72 rack; optional, with micro_batch_tokens): all-to-all over NVLink, expert "
            "GEMMs, a cost per MoE layer and micro-batch; blank: scale-out",
        ),
        Arg(
            "micro_batch_tokens",
            "Tokens in one micro-batch, micro-batch sequences x seq_len (optional, with ep)",
        ),
        Arg("tp", "Tensor-parallel degree of that expert-parallel step (optional, with ep; blank 1)"),
        Arg(
            "pp",
            "Pipeline stages of that step (optional, with ep, gpus and batch_tokens; blank 1): the bubble "
            "(pp - 1) / (vp x micro-batches) and the experts' copies, gpus / (ep x pp), whose gradients each step "
            "reduces",
        ),
        Arg("vp", "Virtual (interleaved) pipeline stages per GPU (optional, with pp; blank 1)"),
    ),
    source=(
        "attention FLOPs 12*L*d*s per token (Chowdhery et al. 2022, PaLM, appendix B); MoE all-to-all over 400 "
        "Gb/s per GPU (DeepSeek-V3 report §3.2.1, 1:1 computation to communication); per-step overhead as the "
        "pipeline bubble (Narayanan et al. 2021); with ep: grouped GEMMs at the tokens per expert (DeepGEMM), "
        "the all-to-all over NVLink (DeepEP intranode), host launches per MoE layer and micro-batch "
        "(Megatron-Core MoE README: 'decrease TP size or increase micro-batch size'); with tp, pp, vp: the bubble "
        "(pp - 1) / (vp x micro-batches) (Narayanan et al. 2021, SC21 §2.2) and the experts' gradient reduction "
        "across their copies (Megatron-Core's distributed optimizer: reduce-scatter, all-gather); fitted on MLPerf "
        "Training, model cards and Megatron-Bridge 25.11 steps (docs/fidelity.md, flopsheet engine/training.py)"
    ),
    example=("405B", "H100", "bf16", 8192, 16384, 16777216),
    formula=engine.train_mfu,
    # engine.training.train_mfu in its operation order; [[A||0]]: a plain parameter count has no model terms
    # ep and micro_batch_tokens go together (the model's figures are 0 for a plain count, so checked here too)
    # ep beyond the GPU's NVLink domain is #N/A, as EP_DOMAIN refuses it (dropped when ep is omitted); ep / domain
    # reads the domain once (the model twins with the GPU in a cell are near Excel's length): an unknown domain (0,
    # a peak number) divides by 0 and a blank ep is text or 0, neither above 1 (ep: a whole number >= 1, guarded)
    # the layout's pipeline bubble and expert copies (engine.training.layout_step_terms) as the engine adds them:
    # 1 / ((1 + bubble) / mfu + sync / (tokens per GPU x gemm x share)), mfu read once; both 0 without ep, gpus and
    # batch_tokens (1 / (1 / mfu): mfu within a rounding); the bubble step is #N/A where the engine refuses tp, pp or vp
    twin='IF(({ep}="")=({micro_batch_tokens}=""),{share}[[*IF(IFERROR({ep}/{scaleup_gpus},0)>1,NA(),1)]]'
    "/((1+{step:bubble})*(1+{step:attention}+{step:a2a}/{step:gemm})*(1+{const:TrainStepOverheadTokens}*{step:gpt})"
    "+((1+{step:bubble})*{const:TrainStepFixedS}+{step:sync})*{step:gpt}/{step:gemm}),NA())",
    twin_steps=(
        ("attention", "attention scores per 6N of work", "[[2*{model:layers}*{model:d_model}*{seq_len}/{params}||0]]"),
        (
            "a2a",
            "MoE seconds per token: the all-to-all (with ep: over NVLink), expert GEMM loss, per micro-batch cost",
            # engine.training.train_mfu and moe_step_seconds: k x MoE layers x width x the bytes' seconds, plus, with ep
            # and micro_batch_tokens, 6 x routed x m_half / (peak x share x micro_batch_tokens x ep) and the
            # micro-batch's fixed cost per MoE layer
            '[[{model:routed_experts}*{model:moe_layers}*{model:d_model}*IF({ep}="",{const:TrainA2ABytes}'
            f"/({{const:ScaleOutGBs}}*1E9),IF({{ep}}>1,{A2A_TRAIN_BYTES:g}*({{ep}}-1)/{{ep}}"
            f"/({{gpu:interconnect_gbs}}/2*1E9*{A2A_EFFICIENCY:g}),0))"
            '+IF(({ep}="")*({micro_batch_tokens}=""),0,IF(({ep}<>"")*({micro_batch_tokens}<>""),'
            "IF({model:share}>0,6*({model:total_params}-{params})/(1-{model:share})"
            f"*{GROUPED_GEMM_HALF_TOKENS:g}/({{peak}}*1E12*{{share}}*{{micro_batch_tokens}}*{{ep}}),0)"
            f"+{MOE_MICROBATCH_S:g}*{{model:moe_layers}}/{{micro_batch_tokens}},NA()))||0]]",
        ),
        ("gemm", "seconds per token of the weights' FLOPs at the share", "6*{params}/({peak}*1E12*{share})"),
        (
            "gpt",
            "GPUs per token of the global batch (blank gpus and batch_tokens: 0, no per-step terms)",
            'IF(({gpus}="")*({batch_tokens}=""),0,IF(({gpus}<>"")*({batch_tokens}<>""),{gpus}/{batch_tokens},NA()))',
        ),
        (
            "bubble",
            "pipeline bubble: (pp - 1) / (vp x micro-batches per pipeline)",
            'IF(({ep}="")*(({tp}&{pp}&{vp})<>""),NA(),IF(IF({pp}="",1,{pp})>1,IFERROR((IF({pp}="",1,{pp})-1)'
            '*{micro_batch_tokens}*{gpus}/({batch_tokens}*IF({vp}="",1,{vp})*IF({tp}="",1,{tp})*{pp}),NA()),0))',
        ),
        (
            "sync",
            "seconds a step reduces the experts' gradients across their copies",
            # routed x EXPERT_SYNC_BYTES x (1 / (ep x pp) - 1 / gpus) over the link, experts spread (ep > 1): scale-out
            # unless the gpus fit in the GPU's NVLink domain (then one direction of NVLink); 0 without ep and gpus
            "IFERROR([[MAX(({model:total_params}-{params})/(1-{model:share}),0)"
            f'*{EXPERT_SYNC_BYTES:g}*({{ep}}>1)*MAX(1/({{ep}}*IF({{pp}}="",1,{{pp}}))-1/{{gpus}},0)'
            "/(IF(IFERROR({gpus}/{scaleup_gpus},2)>1,{const:ScaleOutGBs},{gpu:interconnect_gbs}/2)*1E9)||0]],0)",
        ),
    ),
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
