"""Training functions: FLOPs, tokens, GPU time, GPUs for a deadline, cost, energy."""

from flopsheet import engine
from flopsheet.engine import DEFAULT_PUE
from flopsheet.functions._common import FLOPS, GPU, GPU_NAME, MFU, PARAMS, PRECISION
from flopsheet.engine._checks import count_twin
from flopsheet.functions._model import Arg, Function, engine_default

_GPU_LABELS = {"peak_tflops": "gpu", "tdp_w": "gpu"}
_KAPLAN = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, §2.1 (C = 6ND)"
_PEAK = "dense peak from the GPU's datasheet (catalog); mfu per PaLM (Chowdhery et al. 2022) / Epoch AI"


def _timing(name, formula, returns, summary, example, extra=(), twin=None):
    return Function(
        name, summary, returns, (FLOPS, GPU, *extra, MFU, PRECISION), _PEAK, example, formula.formula,
        lambda b: dict(flops=b["flops"], peak_tflops=b.gpu(),
                       **{a.name: b[a.name] for a in extra}, mfu=b["mfu"]),
        _GPU_LABELS, twin=twin,
    )


# Native twins (hand-off copies, flopsheet.handoff.twins): {arg}, {peak} = the GPU's dense peak
# at `precision`, {gpu:field} = a catalog field; rules (mfu in (0, 1]...) are added as guards.
# Same operation order as the engine, so the twin rounds as the engine does.
_PER_HOUR = "{flops}/({peak}*1E12*{mfu}*3600)"
_PER_DAY = "{flops}/({peak}*1E12*{mfu}*86400)"


TRAIN_FLOPS = Function(
    "TRAIN_FLOPS", "Training compute in FLOPs: 6 x params x tokens, plus attention if layers, d_model and seq_len are given.",
    "FLOPs",
    (PARAMS, Arg("tokens", "Training tokens, e.g. \"300B\""),
     Arg("flops_per_param_token", "FLOPs per parameter per token; default 6 (2 forward + 4 backward)",
         default=engine_default(engine.train_flops, "flops_per_param_token")),
     Arg("layers", "Transformer layers (optional, for the attention term)", default=None),
     Arg("d_model", "Model width (optional, for the attention term)", default=None),
     Arg("seq_len", "Training sequence length (optional, for the attention term)", default=None)),
    f"{_KAPLAN}; attention term 12*L*d*s per token: Chowdhery et al. 2022 (PaLM), appendix B",
    ("175B", "300B"), engine.train_flops.formula,
    lambda b: {k: b[k] for k in ("params", "tokens", "flops_per_param_token", "layers", "d_model", "seq_len")},
    twin='{flops_per_param_token}*{params}*{tokens}[[+IF(({layers}="")*({d_model}="")*({seq_len}=""),0,'
         'IF(({layers}<>"")*({d_model}<>"")*({seq_len}<>""),12*{layers}*{d_model}*{seq_len}*{tokens},NA()))]]',
)

CHINCHILLA_TOKENS = Function(
    "CHINCHILLA_TOKENS", "Compute-optimal training tokens for a model size (Chinchilla: about 20 tokens per parameter).",
    "tokens",
    (PARAMS, Arg("tokens_per_param", "Tokens per parameter; default 20",
        default=engine_default(engine.chinchilla_tokens, "tokens_per_param"))),
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (Chinchilla), Table 3",
    ("70B",), engine.chinchilla_tokens.formula, lambda b: {k: b[k] for k in ("params", "tokens_per_param")},
    twin="{params}*{tokens_per_param}",
)

GPU_HOURS = _timing("GPU_HOURS", engine.gpu_hours, "GPU-hours",
                    "GPU-hours to compute flops at mfu of the GPU's dense peak.", (3.15e23, "A100", 0.462),
                    twin=_PER_HOUR)
GPU_DAYS = _timing("GPU_DAYS", engine.gpu_days, "GPU-days",
                   "GPU-days to compute flops at mfu of the GPU's dense peak.", (3.15e23, "A100", 0.462),
                   twin=_PER_DAY)
TRAIN_DAYS = _timing("TRAIN_DAYS", engine.train_days, "days",
                     "Wall-clock days to compute flops on gpus GPUs.", (3.15e23, "A100", 1000, 0.462),
                     (Arg("gpus", "GPUs training together"),), twin=_PER_DAY + "/{gpus}")
GPUS_NEEDED = _timing("GPUS_NEEDED", engine.gpus_needed, "GPUs",
                      "Whole GPUs needed to compute flops within days wall-clock days (rounded up).",
                      (9.216e26, "H100", 30, 0.462), (Arg("days", "Deadline in wall-clock days"),),
                      twin=count_twin(_PER_DAY + "/{days}"))
TRAIN_COST = _timing("TRAIN_COST", engine.train_cost, "USD",
                     "Cost in USD of computing flops at a price per GPU-hour.", (3.15e23, "A100", 2, 0.462),
                     (Arg("usd_per_gpu_hour", "Price of one GPU-hour in USD (rental or amortised)"),),
                     twin=_PER_HOUR + "*{usd_per_gpu_hour}")

TRAIN_ENERGY_MWH = Function(
    "TRAIN_ENERGY_MWH", "Energy in MWh at the wall: GPU-hours x the GPU's TDP x PUE.", "MWh",
    (FLOPS, GPU_NAME, MFU, PRECISION, Arg("pue", "Data-centre power usage effectiveness; default 1.2", default=DEFAULT_PUE)),
    "TDP from the GPU's datasheet (catalog); PUE 1.1-1.2 as hyperscalers report",
    (3.15e23, "A100", 0.462), engine.train_energy_mwh.formula,
    lambda b: dict(flops=b["flops"], peak_tflops=b.gpu(), tdp_w=b.gpu("tdp_w"), mfu=b["mfu"], pue=b["pue"]),
    _GPU_LABELS, twin=_PER_HOUR + "*{gpu:tdp_w}*{pue}/1E6",
)

FUNCTIONS = (TRAIN_FLOPS, CHINCHILLA_TOKENS, GPU_HOURS, GPU_DAYS, TRAIN_DAYS, GPUS_NEEDED, TRAIN_COST,
             TRAIN_ENERGY_MWH)
