"""The model catalog's data: sources, reasons for every gap, and consistency checks that fail on
a mistyped figure (wrong layer count, swapped heads, a digit too many in the hours)."""

from __future__ import annotations

import csv
import dataclasses
import io
from importlib import resources

import pytest

from flopsheet import catalog
from flopsheet.errors import FlopsheetError
from flopsheet.models import FIELDS, Model, all_models, missing_reason, resolve, table

MODELS = all_models()
IDS = [m.name for m in MODELS]
DENSE = [m for m in MODELS if not m.is_moe]
MOE = [m for m in MODELS if m.is_moe]

# Rows whose heads x head_dim is NOT d_model, as their sources say (query width differs from
# the residual width); everywhere else the two must agree.
WIDE_OR_NARROW_ATTENTION = {
    "PaLM 540B",  # 48 x 256 = 12288 vs 18432 (arXiv:2204.02311 Table 1)
    "Qwen3 32B",
    "Qwen3 235B-A22B",
    "Qwen3 30B-A3B",  # head_dim 128 fixed (config.json)
    "DeepSeek-V2",
    "DeepSeek-V3",
    "DeepSeek-R1",
    "Kimi K2",  # MLA heads of 128 over 5120/7168
    "gpt-oss-120b",
    "gpt-oss-20b",  # 64 x 64 = 4096 vs 2880 (gpt_oss/torch/model.py)
    "Gemma 2 27B",
    "Gemma 3 27B",  # 32 x 128 = 4096 vs 4608/5376
    "GLM-4.5",  # 96 x 128 = 12288 vs 5120 (its report's architecture table)
    "GLM-4.5-Air",  # 96 x 128 = 12288 vs 4096 (config.json)
    "Qwen3 4B",  # 32 x 128 = 4096 vs 2560 (config.json)
    "Qwen3-Coder 480B-A35B",  # 96 x 128 = 12288 vs 6144 (config.json)
    "DeepSeek-V3.1",  # MLA, the DeepSeek-V3 shape
}


def _raw_rows() -> list[dict[str, str]]:
    text = resources.files("flopsheet.models").joinpath("models.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _row(name: str) -> dict[str, str]:
    [raw] = [r for r in _raw_rows() if r["name"] == name]
    return dict(raw)


# ---------------------------------------------------------------- shape of the catalog


def test_catalog_has_the_models_people_price():
    assert 25 <= len(MODELS) <= 50
    assert len(set(IDS)) == len(IDS)
    wanted = [
        "GPT-3 175B",
        "PaLM 540B",
        "Chinchilla 70B",
        "Llama 2 7B",
        "Llama 2 70B",
        "Llama 3 8B",
        "Llama 3 70B",
        "Llama 3.1 8B",
        "Llama 3.1 70B",
        "Llama 3.1 405B",
        "Llama 4 Scout",
        "Llama 4 Maverick",
        "Mistral 7B",
        "Mixtral 8x7B",
        "Mixtral 8x22B",
        "Qwen2.5 7B",
        "Qwen2.5 72B",
        "Qwen3 32B",
        "Qwen3 235B-A22B",
        "Qwen3 30B-A3B",
        "DeepSeek-V2",
        "DeepSeek-V3",
        "DeepSeek-R1",
        "Kimi K2",
        "gpt-oss-120b",
        "gpt-oss-20b",
        "Gemma 2 27B",
        "Gemma 3 27B",
        "BLOOM 176B",
        "Falcon 180B",
        # issue 23
        "Llama 3.3 70B",
        "Mistral Large 2",
        "GLM-4.5",
        "GLM-4.5-Air",
        "Qwen3 14B",
        "Qwen3 8B",
        "Qwen3 4B",
        "Qwen3-Coder 480B-A35B",
        "DeepSeek-V3.1",
    ]
    assert [m for m in wanted if m not in IDS] == []


def test_csv_columns_are_the_fields_plus_bookkeeping():
    header = list(_raw_rows()[0])
    assert set(header) == set(FIELDS) | {"name", "unconfirmed", "not_published", "aliases"}
    model_fields = {f.name for f in dataclasses.fields(Model)}
    assert set(FIELDS) <= model_fields


def test_fields_have_units_and_one_line_docs():
    for name, spec in FIELDS.items():
        assert spec.doc and "\n" not in spec.doc and spec.doc.endswith("."), name
        assert isinstance(spec.unit, str) and isinstance(spec.numeric, bool), name
        assert spec.numeric == bool(spec.unit), name  # text fields have no unit, numbers have one


def test_model_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolve("DeepSeek-V3").layers = 1


# ---------------------------------------------------------------- sources and gaps


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_every_row_has_a_source_url_for_each_part(model):
    parts = [p.strip() for p in model.source.split(" ; ")]
    assert parts and all(p.startswith("https://") for p in parts), model.source
    assert model.confidence


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_every_empty_figure_has_a_reason(model):
    for name, _spec in FIELDS.items():
        if getattr(model, name) in (None, ""):
            reason = missing_reason(model, name)
            assert reason != "not recorded", f"{model.name}.{name}"
            if not reason.startswith("not applicable"):
                assert model.notes, f"{model.name}.{name}: a published/unconfirmed gap needs notes"


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_listed_gaps_are_empty(model):
    for name in model.unconfirmed + model.not_published:
        assert name in FIELDS
        assert getattr(model, name) in (None, ""), f"{model.name}.{name}"


def test_loading_refuses_a_value_listed_as_not_published():
    raw = _row("Mistral 7B")
    raw["training_tokens"] = "8e12"  # a guess typed over a declared gap
    with pytest.raises(FlopsheetError, match="training_tokens is listed as missing but has a value"):
        table._parse_row(raw, 99)


def test_loading_refuses_an_empty_figure_without_a_reason():
    raw = _row("Llama 3.1 70B")
    raw["gpu_hours"] = ""
    with pytest.raises(FlopsheetError, match="gpu_hours is empty with no reason"):
        table._parse_row(raw, 99)


def test_loading_refuses_an_unknown_attention_kind():
    raw = _row("Llama 3.1 70B")
    raw["attention"] = "flash"
    with pytest.raises(FlopsheetError, match="attention must be one of"):
        table._parse_row(raw, 99)


def test_loading_refuses_a_fractional_count():
    raw = _row("Llama 3.1 70B")
    raw["layers"] = "80.5"
    with pytest.raises(FlopsheetError, match="layers must be a whole number"):
        table._parse_row(raw, 99)


# ---------------------------------------------------------------- architecture consistency


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_active_params_do_not_exceed_total(model):
    assert 0 < model.active_params <= model.total_params
    if model.is_moe:
        assert model.active_params < model.total_params
    else:
        assert model.active_params == model.total_params


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_attention_kind_matches_head_counts(model):
    if model.attention == "MLA":
        assert model.kv_lora_rank and model.qk_rope_head_dim
        assert model.kv_lora_rank + model.qk_rope_head_dim < 2 * model.heads * model.head_dim
        return
    assert model.kv_lora_rank is None and model.qk_rope_head_dim is None
    assert model.heads % model.kv_heads == 0
    expected = {
        "MHA": model.kv_heads == model.heads,
        "MQA": model.kv_heads == 1,
        "GQA": 1 < model.kv_heads < model.heads,
    }[model.attention]
    assert expected, (model.attention, model.heads, model.kv_heads)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_heads_times_head_dim_is_d_model_unless_the_source_says_otherwise(model):
    if model.name in WIDE_OR_NARROW_ATTENTION:
        assert model.heads * model.head_dim != model.d_model
        assert "heads x head_dim" in model.notes or model.attention == "MLA" or model.family == "gpt-oss"
    else:
        assert model.heads * model.head_dim == model.d_model


@pytest.mark.parametrize("model", MOE, ids=[m.name for m in MOE])
def test_moe_rows_are_complete_and_consistent(model):
    assert model.experts_per_token < model.experts
    assert 0 <= model.shared_experts <= 2
    assert 0 < model.moe_layers <= model.layers


@pytest.mark.parametrize("model", DENSE, ids=[m.name for m in DENSE])
def test_dense_rows_have_no_expert_figures(model):
    assert (model.experts, model.experts_per_token, model.shared_experts, model.moe_layers) == (None,) * 4


@pytest.mark.parametrize("model", [m for m in MODELS if m.sliding_window], ids=lambda m: m.name)
def test_sliding_windows_are_shorter_than_the_context(model):
    assert model.sliding_window < model.context
    assert 0 < model.sliding_layers <= model.layers


@pytest.mark.parametrize("model", DENSE, ids=[m.name for m in DENSE])
def test_dense_parameter_count_fits_the_shape(model):
    # Non-embedding weights of a dense transformer are about 12-27 x layers x d_model^2
    # (4 d^2 attention + 8-20 d^2 MLP, by MLP width and gating). A wrong layer count or d_model
    # (x2 layers, x2 width = x4) lands outside [8, 30].
    ratio = (model.total_params - model.vocab * model.d_model) / (model.layers * model.d_model**2)
    assert 8 <= ratio <= 30, ratio


# ---------------------------------------------------------------- published runs

RUNS_WITH_FLOPS = [m for m in DENSE if m.training_flops and m.training_tokens]


@pytest.mark.parametrize("model", RUNS_WITH_FLOPS, ids=[m.name for m in RUNS_WITH_FLOPS])
def test_six_n_d_matches_published_flops_of_dense_models(model):
    # Kaplan et al. 2020 (arXiv:2001.08361) Section 2.1: C ~ 6 N D for a dense transformer.
    # Published figures within 5% (Chinchilla's is its Gopher-matched budget, 2% under 6ND).
    assert len(RUNS_WITH_FLOPS) >= 4
    assert 6 * model.active_params * model.training_tokens == pytest.approx(model.training_flops, rel=0.05)


RUNS_WITH_HOURS = [m for m in MODELS if m.gpu_hours and m.training_tokens]


@pytest.mark.parametrize("model", RUNS_WITH_HOURS, ids=[m.name for m in RUNS_WITH_HOURS])
def test_published_hours_imply_a_plausible_whole_run_utilisation(model):
    # 6 x active x tokens over (hours x dense BF16 peak from the GPU catalog). Whole runs land
    # at 0.14-0.43 (Llama 3 8B at the low end, Llama 2 70B at the top); a digit slipped in the
    # hours or tokens moves it out of [0.1, 0.6].
    gpu = catalog.resolve(model.training_hardware)
    utilisation = 6 * model.active_params * model.training_tokens / (model.gpu_hours * 3600 * gpu.bf16_tflops * 1e12)
    assert 0.1 <= utilisation <= 0.6, utilisation


def test_whole_run_utilisation_of_the_issue_runs():
    # Issue 13's goodput figures: Llama 3.1 405B 0.35, PaLM 0.31, BLOOM 0.32.
    def util(name, flops=None):
        m = resolve(name)
        peak = catalog.resolve(m.training_hardware).bf16_tflops * 1e12
        return (flops or m.training_flops or 6 * m.active_params * m.training_tokens) / (m.gpu_hours * 3600 * peak)

    assert util("Llama 3.1 405B") == pytest.approx(0.35, abs=0.01)
    assert util("PaLM 540B") == pytest.approx(0.30, abs=0.01)
    assert util("BLOOM 176B") == pytest.approx(0.32, abs=0.01)


@pytest.mark.parametrize("model", [m for m in MODELS if m.mfu is not None], ids=lambda m: m.name)
def test_mfu_is_a_fraction(model):
    assert 0 < model.mfu < 1


@pytest.mark.parametrize("model", [m for m in MODELS if m.gpu_hours], ids=lambda m: m.name)
def test_training_hardware_with_hours_is_in_the_gpu_catalog(model):
    assert catalog.resolve(model.training_hardware).bf16_tflops
