"""Model-name resolution, did-you-mean that never crosses family or size, and field()."""

from __future__ import annotations

import re

import pytest

from flopsheet.errors import FlopsheetError
from flopsheet.models import FIELDS, all_models, field, field_name, names, resolve

MODELS = all_models()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Llama 3.1 405B", "Llama 3.1 405B"),
        ("llama-3.1-405b", "Llama 3.1 405B"),
        ("LLAMA_3.1_405B", "Llama 3.1 405B"),
        ("  llama 3.1   405b ", "Llama 3.1 405B"),
        ("Meta-Llama-3.1-405B-Instruct", "Llama 3.1 405B"),
        ("meta-llama/Llama-3.1-405B", "Llama 3.1 405B"),
        ("Meta-Llama-3.1-405B-Instruct-FP8", "Llama 3.1 405B"),
        ("deepseek v3", "DeepSeek-V3"),
        ("DeepSeek-V3-Base", "DeepSeek-V3"),
        ("deepseek-ai/DeepSeek-R1", "DeepSeek-R1"),
        ("Kimi-K2-Instruct", "Kimi K2"),
        ("gpt-oss-120b", "gpt-oss-120b"),
        ("GPT OSS 20B", "gpt-oss-20b"),
        ("gemma-3-27b-it", "Gemma 3 27B"),
        ("Qwen/Qwen3-235B-A22B", "Qwen3 235B-A22B"),
        ("qwen3 30b a3b", "Qwen3 30B-A3B"),
        ("Mixtral-8x7B-Instruct-v0.1", "Mixtral 8x7B"),
        ("Llama-2-70b-hf", "Llama 2 70B"),
        ("GPT-3", "GPT-3 175B"),
        ("bigscience/bloom", "BLOOM 176B"),
        # issue 23: current open models by what people type, family and size
        ("qwen3 32b", "Qwen3 32B"),
        ("qwen 3 14b", "Qwen3 14B"),
        ("Qwen/Qwen3-8B", "Qwen3 8B"),
        ("qwen3-4b", "Qwen3 4B"),
        ("glm 4.5 air", "GLM-4.5-Air"),
        ("zai-org/GLM-4.5-Air-FP8", "GLM-4.5-Air"),
        ("glm 4.5", "GLM-4.5"),
        ("Qwen3-Coder-480B-A35B-Instruct", "Qwen3-Coder 480B-A35B"),
        ("qwen3 coder 480b", "Qwen3-Coder 480B-A35B"),
        ("deepseek v3.1", "DeepSeek-V3.1"),
        ("deepseek-ai/DeepSeek-V3.1-Base", "DeepSeek-V3.1"),
        ("DeepSeek-R1-0528", "DeepSeek-R1"),
        ("kimi k2", "Kimi K2"),
    ],
)
def test_resolve_accepts_names_aliases_and_hub_ids(typed, expected):
    assert resolve(typed).name == expected


def test_every_label_reaches_its_own_row_and_no_label_names_two_rows():
    owner: dict[str, str] = {}
    for model in MODELS:
        for label in {model.name, model.full_name, *model.aliases}:
            assert resolve(label) is model, label
            plain = re.sub(r"[\s\-_.]", "", label.lower())
            assert owner.setdefault(plain, model.name) == model.name, label


def test_names_lists_every_row_once_in_catalog_order():
    assert names() == [m.name for m in MODELS]
    assert len(set(names())) == len(MODELS)


def test_a_row_passes_through_resolve():
    model = resolve("DeepSeek-V3")
    assert resolve(model) is model


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Lama 3.1 405B", "Llama 3.1 405B"),
        ("DepSeek V3", "DeepSeek-V3"),
        ("gpt oss 120", "gpt-oss-120b"),
        ("Mixtrall 8x22B", "Mixtral 8x22B"),
    ],
)
def test_did_you_mean_suggests_the_same_model_misspelt(typed, suggested):
    with pytest.raises(FlopsheetError) as err:
        resolve(typed)
    assert err.value.arg == "model"
    assert f'unknown model "{typed}"' in err.value.message
    assert f'did you mean "{suggested}"?' in err.value.message


@pytest.mark.parametrize(
    ("typed", "never"),
    [
        ("Llama 3.1 400B", "405B"),  # another size: no suggestion rather than 405B's figures
        ("Llama 3.1 7B", "8B"),
        ("Qwen2.5 70B", "72B"),
        ("Qwen2.5 70B", "Llama"),
        ("DeepSeek V4", "V3"),
        ("DeepSeek-V3.2", "V3"),
        ("Kimi K3", "K2"),
        ("DeepSeek-R2", "V2"),  # another line of the same developer
        ("Gemma 3", "GPT-3"),  # shares only its number with GPT-3
        ("Llama 3", "GPT-3"),
        ("405B", "Llama"),  # a size alone names no family
        ("Qwen3-235B-A22B-Instruct-2507", "Qwen3 235B-A22B"),  # a later release with another context
    ],
)
def test_did_you_mean_never_crosses_family_or_size(typed, never):
    with pytest.raises(FlopsheetError) as err:
        resolve(typed)
    assert never not in err.value.message.split(";", 1)[1]


def _next_size(name: str) -> str:
    """The name with its last number changed: a size (or generation) the catalog may not have."""
    last = list(re.finditer(r"\d+", name))[-1]
    return name[: last.start()] + str(int(last.group()) + 1) + name[last.end() :]


@pytest.mark.parametrize("model", MODELS, ids=[m.name for m in MODELS])
def test_a_neighbouring_size_is_never_answered_with_another_row(model):
    typed = _next_size(model.name)
    try:
        found = resolve(typed)
    except FlopsheetError as err:
        assert "did you mean" not in err.message, (typed, err.message)
    else:  # the neighbour exists in the catalog: it must be that row, by its own name
        assert found is not model


@pytest.mark.parametrize("model", MODELS, ids=[m.name for m in MODELS])
def test_a_misspelt_family_word_suggests_only_that_family(model):
    typed = model.name[0] + model.name  # "LLlama 3.1 405B", "DDeepSeek-V3"
    with pytest.raises(FlopsheetError) as err:
        resolve(typed)
    suggested = re.findall(r'"([^"]+)"', err.value.message.split("did you mean", 1)[-1])
    assert suggested, err.value.message
    assert all(resolve(s).family == model.family for s in suggested), err.value.message


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (5, "got 5"),
        (None, "got None"),
        (True, "got True"),
        (70e9, "got 70000000000.0"),
    ],
)
def test_resolve_refuses_non_text_and_names_it(bad, shown):
    with pytest.raises(FlopsheetError) as err:
        resolve(bad)
    assert err.value.arg == "model" and shown in err.value.message


@pytest.mark.parametrize("blank", ["", "   "])
def test_resolve_refuses_blank(blank):
    with pytest.raises(FlopsheetError, match="model is blank; give a catalog name"):
        resolve(blank)


def test_unknown_name_without_suggestion_points_to_model_names():
    with pytest.raises(FlopsheetError, match=r'unknown model "Claude 9"; see MODEL_NAMES\(\)'):
        resolve("Claude 9")


# ---------------------------------------------------------------- field()


def test_field_reads_numbers_and_text_and_ignores_case():
    assert field("Llama 3.1 405B", " D_Model ") == 16384
    assert isinstance(field("Llama 3.1 405B", "layers"), int)
    assert field("DeepSeek-V3", "attention") == "MLA"
    assert field(resolve("Kimi K2"), "kv_lora_rank") == 512
    assert "arxiv.org/abs/2412.19437" in field("DeepSeek-V3", "source")


@pytest.mark.parametrize(
    ("model", "name", "reason"),
    [
        ("GPT-3 175B", "gpu_hours", "not published by the developer; see its notes"),
        ("Llama 3.1 405B", "mfu", "unconfirmed in primary sources; see its notes"),
        ("Llama 3.1 405B", "experts", "not applicable: dense model"),
        ("Llama 3.1 405B", "kv_lora_rank", "not applicable: GQA attention caches no latent"),
        ("DeepSeek-V3", "sliding_window", "not applicable: no sliding-window layers"),
        ("DeepSeek-V3", "training_flops", "not published by the developer"),
    ],
)
def test_field_names_the_reason_for_a_missing_figure(model, name, reason):
    with pytest.raises(FlopsheetError) as err:
        field(model, name)
    assert err.value.arg == "field"
    assert err.value.message.startswith(f'field "{name}": {resolve(model).name} has no {name} in the catalog (')
    assert reason in err.value.message


@pytest.mark.parametrize("bad", ["flops", "", None, 3])
def test_field_refuses_an_unknown_field_and_lists_the_fields(bad):
    with pytest.raises(FlopsheetError) as err:
        field("DeepSeek-V3", bad)
    assert err.value.arg == "field"
    assert err.value.message.startswith("field must be one of total_params, active_params,")
    assert f'(got "{bad.strip() if isinstance(bad, str) else bad}")' in err.value.message


def test_field_with_an_unknown_model_names_the_model():
    with pytest.raises(FlopsheetError) as err:
        field("Llama 3.1 400B", "layers")
    assert err.value.arg == "model" and '"Llama 3.1 400B"' in err.value.message


def test_field_name_accepts_every_field():
    assert [field_name(f.upper()) for f in FIELDS] == list(FIELDS)


@pytest.mark.parametrize(
    "typed,suggested",
    [
        ("llama 3 405b", "Llama 3.1 405B"),
        ("Qwen3-235B", "Qwen3 235B-A22B"),
        ("qwen 3 235b", "Qwen3 235B-A22B"),
        ("qwen3 30b", "Qwen3 30B-A3B"),
        ("qwen3 coder 480", "Qwen3-Coder 480B-A35B"),
        ("GLM 4.5 Air 106B", "GLM-4.5-Air"),  # the row's name states no size: its hub label does
        ("GLM-4.5 355B", "GLM-4.5"),
    ],
)
def test_suggestions_match_family_and_size_with_the_version_refined(typed, suggested):
    """Issue 23: what people type names a family and a size; the version may be coarser ("3" for 3.1)
    and an MoE's active size left out. Suggested, never resolved silently."""
    with pytest.raises(FlopsheetError) as e:
        resolve(typed)
    assert f'did you mean "{suggested}"' in e.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "Llama 3.1 400B",
        "llama 3",
        "qwen3",
        "Llama 4 405B",
        "Qwen2 235B",
        "Mistral 8B",
        "Qwen3 22B",
        "GLM 4.5 Air 355B",  # Air is 106B: never the 355B row's figures
        "Qwen3 16B",
        "DeepSeek-V3.2",
    ],
)
def test_suggestions_never_cross_to_another_size_or_generation(typed):
    with pytest.raises(FlopsheetError) as e:
        resolve(typed)
    assert "did you mean" not in e.value.message
