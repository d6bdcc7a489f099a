"""GPU names: text is always a name, spellings resolve by model number, suggestions stay within it.

Spellings are taken from public material people copy from: Meta's Llama model cards ("H100-80GB"),
nvidia-smi / cloud instance docs ("NVIDIA H100 80GB HBM3", "Tesla V100-SXM2-32GB",
"A100-SXM4-40GB"), DeepSeek's reports ("H800"), Google's TPU docs ("Cloud TPU v5p").
"""

from __future__ import annotations

import pytest

from flopsheet import catalog
from flopsheet import functions as F
from flopsheet.catalog import all_gpus, resolve
from flopsheet.catalog.names import near_model, parse
from flopsheet.errors import FlopsheetError


def message(text: str, **kw) -> str:
    with pytest.raises(FlopsheetError) as err:
        resolve(text, **kw)
    assert err.value.arg == "gpu"
    assert "\n" not in str(err.value)
    return str(err.value)


# ---------------------------------------------------------------- bullet 1: text is a name


def test_text_that_looks_like_a_magnitude_is_a_name():
    assert resolve("910B", selectable_only=False).name == "Ascend 910B"
    assert resolve("4090").name == "RTX 4090"
    assert resolve("4090") is resolve("RTX 4090")
    # requiring its peak says why there is none and what to type instead
    msg = message("910B")
    assert "Ascend 910B" in msg and "unconfirmed" in msg and "as a number" in msg
    # a peak the vendor did not give in this precision names the one it did give
    with pytest.raises(FlopsheetError, match="Ascend 910C has no dense bf16 figure .*it supports fp16"):
        F.GPU_HOURS(1e24, "910C")


@pytest.mark.parametrize("text", ["1979", "312", " 989.5 ", "1,979", "100B", "1e3", "+312", ".5"])
def test_text_naming_no_gpu_that_looks_like_a_number_says_type_the_number(text):
    msg = message(text)
    assert msg == f'no GPU is named "{text.strip()}"; to give a peak in TFLOPS, type the number without quotes'


# ---------------------------------------------------------------- bullet 2: model number first

SPELLINGS = {
    # Meta Llama 3 / 3.1 model cards: "H100-80GB (TDP of 700W)"
    "H100-80GB": "H100 SXM",
    "H100 80GB": "H100 SXM",
    "H100 SXM5 80GB": "H100 SXM",
    "NVIDIA H100-80GB HBM3": "H100 SXM",
    "NVIDIA H100 80GB HBM3": "H100 SXM",  # nvidia-smi
    "NVIDIA H100 Tensor Core GPU": "H100 SXM",
    "NVIDIA HGX H100": "H100 SXM",
    "H100 PCIe 80GB": "H100 PCIe",
    "NVIDIA H100 PCIe": "H100 PCIe",
    "H100-PCIE-80GB": "H100 PCIe",
    "H100 NVL": "H100 NVL",
    "H100 94GB": "H100 NVL",
    "NVIDIA H100 NVL 94GB": "H100 NVL",
    "H100\tSXM": "H100 SXM",
    # AWS p4d / p4de / p3dn docs and nvidia-smi names
    "A100-SXM4-40GB": "A100 SXM 40GB",
    "NVIDIA A100-SXM4-80GB": "A100 SXM 80GB",
    "A100 80GB PCIe": "A100 PCIe 80GB",
    "NVIDIA A100 80GB PCIe": "A100 PCIe 80GB",
    "Tesla V100-SXM2-32GB": "V100 SXM 32GB",
    "NVIDIA V100 32GB": "V100 SXM 32GB",
    # DeepSeek-V3 report, China parts
    "NVIDIA H800": "H800 SXM",
    "H800 80GB": "H800 SXM",
    "H800-SXM5-80GB": "H800 SXM",
    "A800-SXM4-80GB": "A800 SXM 80GB",
    "H20 96GB": "H20",
    "NVIDIA H200 141GB HBM3e": "H200 SXM",
    "H200 SXM 141GB": "H200 SXM",
    # Blackwell: HGX boards carry SXM modules
    "B200 SXM": "B200",
    "NVIDIA HGX B200": "B200",
    "B300 SXM": "B300",
    # AMD, Intel, Google, consumer
    "AMD Instinct MI300X OAM": "MI300X",
    "MI300X 192GB": "MI300X",
    "Instinct MI325X": "MI325X",
    "Intel Gaudi 3 HL-325L": "Gaudi 3",
    "Habana Gaudi2": "Gaudi 2",
    "Gaudi-2": "Gaudi 2",
    "Cloud TPU v5p": "TPU v5p",
    "Google Cloud TPU v6e": "TPU v6e",
    "TPU-v4": "TPU v4",
    "GeForce RTX 4090 24GB": "RTX 4090",
    "NVIDIA GeForce RTX 4090": "RTX 4090",
}


@pytest.mark.parametrize("typed, expected", sorted(SPELLINGS.items()))
def test_spellings_that_name_one_gpu_resolve_to_it(typed, expected):
    assert resolve(typed).name == expected


@pytest.mark.parametrize(
    "typed, wrong",
    [
        ("B100", "V100"),
        ("B200 PCIe", "H200"),
        ("H100 96GB", "H800"),
        ("H800 PCIe", "H100"),
        ("A100 PCIe 40GB", "A800"),
        ("V100 16GB", "A100"),
        ("H200 SXM 80GB", "H100"),
        ("L40", 'L4"'),
    ],
)
def test_suggestions_never_cross_to_another_model_number(typed, wrong):
    assert wrong not in message(typed)


def test_a_qualifier_the_catalog_lacks_lists_the_models_rows():
    assert message("H100 96GB") == (
        'unknown GPU "H100 96GB"; the catalog has H100 only as "H100 SXM", "H100 PCIe", "H100 NVL"'
    )
    assert message("A100 PCIe 40GB").endswith('"A100 SXM 40GB", "A100 SXM 80GB", "A100 PCIe 80GB"')
    assert message("B200 PCIe") == 'unknown GPU "B200 PCIe"; the catalog has B200 only as "B200"'


def test_ambiguous_spellings_list_their_candidates(monkeypatch):
    # The shipped catalog resolves every H100 spelling it can (the bare model means H100 SXM,
    # as it always has), so ambiguity needs a model without a default: drop the bare alias.
    from flopsheet.catalog import lookup, model

    rows = list(model.all_gpus())
    i = next(i for i, g in enumerate(rows) if g.name == "H100 SXM")
    import dataclasses

    rows[i] = dataclasses.replace(rows[i], aliases=tuple(a for a in rows[i].aliases if a != "H100"))
    monkeypatch.setattr(lookup, "all_gpus", lambda: tuple(rows))
    for cached in (lookup._models, lookup._index, lookup._by_text):
        cached.cache_clear()
    try:
        msg = message("H100 80GB")
        assert msg == ('GPU "H100 80GB" is ambiguous: it could be "H100 SXM", "H100 PCIe"; type one of these names')
        assert resolve("H100 94GB").name == "H100 NVL"
    finally:
        monkeypatch.undo()
        for cached in (lookup._models, lookup._index, lookup._by_text):
            cached.cache_clear()
    assert resolve("H100 80GB").name == "H100 SXM"


def test_did_you_mean_stays_within_the_model_number():
    assert message("H10") == 'unknown GPU "H10"; did you mean "H100 SXM"?'
    assert message("MI300") == 'unknown GPU "MI300"; did you mean "MI300X"?'
    assert message("TPU v5") == 'unknown GPU "TPU v5"; did you mean "TPU v5e" or "TPU v5p"?'
    assert message("B100") == 'unknown GPU "B100"; see GPU_NAMES() for the catalog'


@pytest.mark.parametrize("typed", ["H1*", "H100*", "H10?", "~H100", "H100~", "fp*"])
def test_wildcard_characters_never_match(typed):
    assert "unknown GPU" in message(typed, selectable_only=False)


def test_parse_reads_names_apart():
    p = parse("NVIDIA H100-SXM5-80GB HBM3")
    assert (p.model, p.memory_gb, p.form) == ("h100", 80.0, "sxm")
    p = parse("Intel Gaudi 3")
    assert (p.model, p.memory_gb, p.form) == ("gaudi3", None, None)
    p = parse("A100 80 GB PCIe")
    assert (p.model, p.memory_gb, p.form) == ("a100", 80.0, "pcie")
    assert parse("H1*") is None


def test_near_model_keeps_family_and_number():
    assert near_model("h10", "h100") and near_model("mi300", "mi300x")
    assert not near_model("b100", "v100") and not near_model("h100", "h800")
    assert not near_model("l40", "l4") and not near_model("b200", "h200")


def test_every_label_of_every_row_resolves_to_its_row():
    for gpu in all_gpus():
        for label in (gpu.name, gpu.full_name, *gpu.aliases):
            assert resolve(label, selectable_only=False) is gpu, label


# ---------------------------------------------------------------- bullet 5: public helpers


def test_helpers_other_packages_use_are_public():
    from flopsheet.catalog.lookup import normalise_key
    from flopsheet.catalog.values import field_name

    assert catalog.normalise_key is normalise_key and catalog.normalise_key("NVIDIA H100-SXM") == "h100sxm"
    assert catalog.field_name is field_name and catalog.field_name(" FP8 ") == "fp8_tflops"


@pytest.mark.parametrize(
    "text,gpu,n",
    [
        ("GB200 NVL72", "GB200", 72),
        ("gb300-nvl72", "GB300", 72),
        ("NVIDIA GB200 NVL72", "GB200", 72),
        ("GH200 NVL32", "GH200", 32),
        ("Vera Rubin NVL72", "Rubin", 72),
        ("Vera Rubin NVL144", "Rubin", 72),  # NVIDIA's 144 counts dies: 72 two-die packages
    ],
)
def test_a_rack_scale_name_is_refused_with_the_per_gpu_name(text, gpu, n):
    """Issue 23: "GB200 NVL72" is a rack of 72 GPUs; the catalog's figures are one GPU's, so the name
    is refused with the per-GPU name to type, never read silently as one GPU."""
    with pytest.raises(FlopsheetError) as e:
        resolve(text)
    assert f'type "{gpu}"' in e.value.message and f"{n} per rack" in e.value.message
    assert resolve(gpu, selectable_only=False).name == gpu
    # the per-GPU full name still resolves: it says which GPU of the rack it is
    assert resolve(resolve(gpu, selectable_only=False).full_name, selectable_only=False).name == gpu


def test_a_die_counted_rack_name_says_what_its_number_counts():
    with pytest.raises(FlopsheetError) as e:
        resolve("Vera Rubin NVL144")
    assert "rack of 72 GPUs" in e.value.message and "144 counts dies, 2 per GPU" in e.value.message
    assert "144 per rack" not in e.value.message
