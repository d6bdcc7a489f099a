"""What a model-catalog row holds: each field's unit and a one-line description.

`FIELDS` is the single list a MODEL_SPEC function, its documentation and a Models sheet are
generated from, in this order. Counts are plain numbers (parameters and tokens are raw counts,
not billions), so a figure can go straight into TRAIN_FLOPS-style formulas.
"""

from __future__ import annotations

from typing import NamedTuple


class FieldSpec(NamedTuple):
    unit: str  # "" for text; "count" for dimensionless integers
    doc: str  # one line, for a function's help and a sheet's header comment
    numeric: bool


def _n(unit: str, doc: str) -> FieldSpec:
    return FieldSpec(unit, doc, True)


def _t(doc: str) -> FieldSpec:
    return FieldSpec("", doc, False)


FIELDS: dict[str, FieldSpec] = {
    "total_params": _n("parameters", "All weights, every expert included: what memory and the fit check need."),
    "active_params": _n(
        "parameters", "Weights used per token (equals total_params for a dense model): what FLOPs need."
    ),
    "layers": _n("count", "Transformer blocks."),
    "d_model": _n("count", "Hidden (residual stream) width."),
    "heads": _n("count", "Query heads per layer."),
    "kv_heads": _n("count", "Key/value heads per layer (= heads for MHA, 1 for MQA, fewer than heads for GQA)."),
    "head_dim": _n("count", "Width of one attention head; heads x head_dim need not equal d_model."),
    "attention": _t("MHA, GQA, MQA or MLA (multi-head latent attention)."),
    "kv_lora_rank": _n("count", "MLA only: width of the cached compressed key/value latent."),
    "qk_rope_head_dim": _n("count", "MLA only: width of the decoupled RoPE key cached beside the latent."),
    "sliding_window": _n("tokens", "Most tokens a windowed layer attends to and caches (its sliding window or chunk)."),
    "sliding_layers": _n("count", "How many layers are windowed (the rest attend to the full context)."),
    "experts": _n("count", "Routed experts per MoE layer (empty for a dense model)."),
    "experts_per_token": _n("count", "Routed experts each token is sent to."),
    "shared_experts": _n("count", "Experts every token also goes through (0 if none)."),
    "moe_layers": _n("count", "Layers whose feed-forward block is a mixture of experts."),
    "vocab": _n("tokens", "Vocabulary size (rows of the embedding matrix)."),
    "context": _n("tokens", "Longest context the developer states (native unless the notes say otherwise)."),
    "training_tokens": _n("tokens", "Pre-training tokens the developer reports."),
    "training_flops": _n("FLOPs", "Training compute the developer reports."),
    "training_hardware": _t("Accelerator the run used, as a GPU-catalog name where there is one."),
    "training_chips": _n("count", "Accelerators in the training run (the largest figure reported)."),
    "gpu_hours": _n("accelerator-hours", "Reported GPU (or TPU chip) hours for the training run, downtime included."),
    "mfu": _n("fraction", "Reported model-FLOPs utilisation of training steps (0-1)."),
    "family": _t("Model family; did-you-mean suggestions never leave it."),
    "developer": _t("Organisation that released the model."),
    "year": _n("year", "Year of release."),
    "source": _t("Primary sources (paper section/table, model card, config.json), ' ; '-separated."),
    "confidence": _t("Which figures were checked against a copy of the source, which transcribed."),
    "full_name": _t("Long display name."),
    "notes": _t("Caveats and why any figure is empty."),
}

# Fields that only mean something for some architectures; empty there for a structural reason.
MOE_FIELDS = ("experts", "experts_per_token", "shared_experts", "moe_layers")
MLA_FIELDS = ("kv_lora_rank", "qk_rope_head_dim")
SLIDING_FIELDS = ("sliding_window", "sliding_layers")
ATTENTION_KINDS = ("MHA", "GQA", "MQA", "MLA")
