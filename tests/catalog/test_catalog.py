"""The accelerator catalog: data integrity against the reference, lookup, and error messages."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from catalog.test_figures import CORRECTIONS
from flopsheet import catalog
from flopsheet.catalog import (
    FIELDS,
    GPU,
    PRECISIONS,
    all_gpus,
    gpu_names,
    peak_tflops,
    require,
    resolve,
    spec,
)
from flopsheet.errors import FlopsheetError

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "accelerators.csv"  # see its README
PACKAGE_DIR = Path(catalog.__file__).parent


def by_name(name: str) -> GPU:
    [gpu] = [g for g in all_gpus() if g.name == name]
    return gpu


def numbers(gpu: GPU) -> dict[str, float]:
    return {
        f.name: getattr(gpu, f.name)
        for f in dataclasses.fields(GPU)
        if isinstance(getattr(gpu, f.name), (int, float)) and f.name != "selectable"
    }


# ---------------------------------------------------------------- contract surface


def test_fields_and_precisions_follow_the_contract():
    contract = (
        "fp32_tflops tf32_tflops bf16_tflops fp16_tflops fp8_tflops fp4_tflops int8_tops "
        "memory_gb bandwidth_tbs tdp_w interconnect_gbs sparsity_factor vendor year source"
    ).split()
    assert FIELDS[:15] == tuple(contract)
    assert set(FIELDS[15:]) <= {
        "fp64_tflops",
        "full_name",
        "confidence",
        "usd_per_gpu_hour",
        "price_source",
        "price_date",
        "server_w",
        "server_source",
    }
    assert PRECISIONS == ("bf16", "fp16", "fp8", "fp4", "int8", "tf32", "fp32")


def test_every_advertised_field_is_read_from_the_csv_and_answered_by_spec():
    # A field GPU_SPEC lists must come from a column of the shipped table (not a dataclass
    # default nobody fills), and spec() must answer it for every row: its value, or a one-line
    # error naming the field.
    header = (PACKAGE_DIR / "accelerators.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(FIELDS) <= set(header), set(FIELDS) - set(header)
    answered = 0
    for gpu in all_gpus():
        for field in FIELDS:
            try:
                value = spec(gpu, field)
            except FlopsheetError as err:
                assert field in str(err) and "\n" not in str(err), (gpu.name, field, str(err))
                assert getattr(gpu, field) in (None, ""), (gpu.name, field)
            else:
                assert value == getattr(gpu, field) and value not in (None, ""), (gpu.name, field, value)
                answered += 1
    assert answered > len(all_gpus()) * len(FIELDS) // 2


def test_gpu_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolve("H100").bf16_tflops = 1.0


# ---------------------------------------------------------------- integrity


def test_catalog_has_all_reference_rows():
    # 32 datasheet rows + TPU v7 (Ironwood), Trainium2, H200 NVL, GH200, MI350X and Rubin (issue 23)
    assert len(all_gpus()) == 38
    assert len({g.name for g in all_gpus()}) == 38


def test_every_row_with_a_figure_has_a_source_url():
    for gpu in all_gpus():
        if gpu.source:
            assert all("https://" in part or "http://" in part for part in gpu.source.split(";")), gpu.name
        else:
            # MLU590: the reference has no source and no figures; a row may not carry a number
            # that nobody can trace.
            assert not numbers(gpu), (gpu.name, numbers(gpu))
    assert sum(1 for g in all_gpus() if not g.source) <= 1


def _plain(label: str) -> str:
    return label.lower().replace(" ", "").replace("-", "").replace("_", "")


def test_no_alias_names_two_rows():
    owner: dict[str, str] = {}
    for gpu in all_gpus():
        for label in {gpu.name, gpu.full_name, *gpu.aliases}:
            key = _plain(label)
            assert owner.setdefault(key, gpu.name) == gpu.name, f"{label!r}: {owner[key]} and {gpu.name}"
            # and lookup agrees: every label reaches its own row
            assert resolve(label, selectable_only=False) is gpu, label


def test_vendor_prefixed_names_do_not_collide_either():
    # "NVIDIA H100" is looked up as "H100"; no two rows may meet after dropping vendor words.
    from flopsheet.catalog.lookup import normalise_key as _key

    owner: dict[str, str] = {}
    for gpu in all_gpus():
        for label in {gpu.name, gpu.full_name, *gpu.aliases}:
            assert owner.setdefault(_key(label), gpu.name) == gpu.name, label


def test_selectable_means_a_dense_bf16_or_fp16_peak():
    for gpu in all_gpus():
        has_peak = gpu.bf16_tflops is not None or gpu.fp16_tflops is not None
        assert gpu.selectable == has_peak, gpu.name
    # rows without a dense bf16/fp16 figure: a name covering several SKUs (Ascend 910B), no published
    # figures (Cambricon MLU590) or announced (Rubin)
    assert {g.name for g in all_gpus() if not g.selectable} == {"Ascend 910B", "MLU590", "Rubin"}
    assert gpu_names() == [g.name for g in all_gpus() if g.selectable]
    assert "Ascend 910B" not in gpu_names() and "H100 SXM" in gpu_names()


def test_values_are_positive_and_sparsity_factor_at_least_one():
    for gpu in all_gpus():
        for field, value in numbers(gpu).items():
            assert value > 0, (gpu.name, field)
        if gpu.sparsity_factor is not None:
            assert gpu.sparsity_factor >= 1, gpu.name


# Vendor headlines WITH 2:4 sparsity, transcribed from the datasheets quoted in the reference
# notes. dense * sparsity_factor must reproduce them (exact=False: the vendor's ratio differs).
HEADLINES = [
    ("H100 SXM", "fp16", 1979, True),
    ("H100 SXM", "bf16", 1979, True),
    ("H100 SXM", "fp8", 3958, True),
    ("H100 SXM", "tf32", 989, True),
    ("H100 PCIe", "bf16", 1513, True),
    ("H100 PCIe", "fp8", 3026, True),
    ("H100 NVL", "bf16", 1671, True),
    ("H100 NVL", "fp8", 3341, True),
    ("H200 SXM", "bf16", 1979, True),
    ("H200 SXM", "fp8", 3958, True),
    ("A100 SXM 80GB", "bf16", 624, True),
    ("A100 SXM 40GB", "tf32", 312, True),
    ("A100 SXM 80GB", "int8", 1248, True),
    ("L40S", "fp8", 1466, True),
    ("L4", "bf16", 242, True),
    ("L4", "fp8", 485, True),
    ("RTX 4090", "int8", 1321.2, True),
    ("RTX 4090", "tf32", 165.2, True),
    ("B200", "fp4", 18000, True),
    ("B200", "fp8", 9000, True),
    ("B200", "bf16", 4500, True),
    ("GB200", "fp4", 20000, True),
    ("GB200", "bf16", 5000, True),
    ("B300", "fp8", 9000, True),
    ("GB300", "bf16", 5000, True),
    # NVIDIA's L40S page: BF16 362.05 dense but 733 sparse (2x would be 724.1).
    ("L40S", "bf16", 733, False),
    # Blackwell Ultra FP4: 18|14 PF and 20|15 PF (sparse|dense) - about 1.29x, not 2x.
    ("B300", "fp4", 18000, False),
    ("GB300", "fp4", 20000, False),
]


@pytest.mark.parametrize("name, precision, headline, exact", HEADLINES)
def test_dense_peaks_against_vendor_sparse_headlines(name, precision, headline, exact):
    gpu = resolve(name)
    dense = peak_tflops(gpu, precision)
    assert dense <= headline
    if exact:
        assert dense * gpu.sparsity_factor == pytest.approx(headline, rel=2e-3)
    else:
        # a known vendor inconsistency: record it, and notice if the catalog ever "fixes" it
        assert dense * gpu.sparsity_factor != pytest.approx(headline, rel=2e-3)


def test_anchor_values():
    assert peak_tflops(resolve("H100 SXM")) == 989.5
    assert peak_tflops(resolve("H100 SXM"), "fp16") * resolve("H100").sparsity_factor == 1979
    assert peak_tflops(resolve("A100")) == 312
    assert resolve("A100").memory_gb == 80 and resolve("A100 40GB").memory_gb == 40
    assert resolve("H100").bandwidth_tbs == 3.35 and resolve("H100").tdp_w == 700
    assert resolve("V100").bf16_tflops is None and peak_tflops(resolve("V100"), "fp16") == 125
    assert resolve("TPU v5p").bf16_tflops == 459 and resolve("MI300X").bf16_tflops == 1307.4


def test_prices_only_with_their_source():
    priced = {g.name: g.usd_per_gpu_hour for g in all_gpus() if g.usd_per_gpu_hour is not None}
    # issue 23: one basis (prices.DEFAULT_BASIS); assumptions and one-GPU list prices are other kinds
    assert priced == {"A100 SXM 80GB": 1.64, "H100 SXM": 2.90, "H200 SXM": 4.54, "B200": 6.03, "GB200": 4.54}
    for gpu in all_gpus():
        assert bool(gpu.price_source) == (gpu.usd_per_gpu_hour is not None), gpu.name
        assert bool(gpu.price_date) == (gpu.usd_per_gpu_hour is not None), gpu.name
        if gpu.price_source:
            assert "http" in gpu.price_source


# ---------------------------------------------------------------- against the reference table

# reference column -> catalog field
REF_COLUMNS = {
    "year": "year",
    "memory_gb": "memory_gb",
    "memory_bandwidth_tbs": "bandwidth_tbs",
    "fp64_tflops": "fp64_tflops",
    "fp32_tflops": "fp32_tflops",
    "tf32_tflops_dense": "tf32_tflops",
    "bf16_tflops_dense": "bf16_tflops",
    "fp16_tflops_dense": "fp16_tflops",
    "fp8_tflops_dense": "fp8_tflops",
    "int8_tops_dense": "int8_tops",
    "fp4_tflops_dense": "fp4_tflops",
    "sparsity_factor": "sparsity_factor",
    "interconnect_gbs": "interconnect_gbs",
    "tdp_w": "tdp_w",
    "vendor": "vendor",
    "source_url": "source",
}
# The reference's cloud_usd_per_hour mixes kinds of price (a one-GPU list price, two publications'
# assumptions); the catalog's default rental price has one basis instead (prices.DEFAULT_BASIS,
# tests/economics/test_money_prices.py), so it is not compared with that column.


def test_shipped_values_match_the_reference_and_unconfirmed_cells_are_empty():
    rows = list(csv.DictReader(REFERENCE.open(newline="", encoding="utf-8")))
    assert {r["name"] for r in rows} == {g.full_name for g in all_gpus()}
    checked_unconfirmed = 0
    for ref in rows:
        [gpu] = [g for g in all_gpus() if g.full_name == ref["name"]]
        for col, field in REF_COLUMNS.items():
            if (gpu.name, field) in CORRECTIONS:  # deliberate, sourced departures: test_figures checks them
                continue
            cell = ref[col].strip()
            value = getattr(gpu, field)
            low = cell.lower()
            if low in ("unconfirmed", "not published"):
                assert value in (None, ""), (gpu.name, field, value)
                assert field in gpu.unconfirmed, (gpu.name, field)
                assert (field in gpu.not_published) == (low == "not published"), (gpu.name, field)
                checked_unconfirmed += 1
            elif low in ("n/a", ""):
                assert value in (None, ""), (gpu.name, field, value)
                assert field not in gpu.unconfirmed, (gpu.name, field)
            elif isinstance(value, str):
                if any(name == gpu.name for name, _ in CORRECTIONS):  # a corrected row cites its new source too
                    assert value.startswith(cell) or field not in ("source",), (gpu.name, field)
                else:
                    assert value == cell, (gpu.name, field)
            else:
                assert value == float(cell), (gpu.name, field, value, cell)
    assert checked_unconfirmed > 50


def test_package_does_not_read_shared_at_run_time():
    for path in PACKAGE_DIR.glob("*.py"):
        assert "/shared" not in path.read_text(encoding="utf-8"), path.name


# ---------------------------------------------------------------- lookup

ALIASES = {
    "H100": "H100 SXM",
    "h100 sxm": "H100 SXM",
    "H100 SXM5": "H100 SXM",
    "NVIDIA H100": "H100 SXM",
    "nvidia-h100_sxm": "H100 SXM",
    "  H100  ": "H100 SXM",
    "H100 PCIe": "H100 PCIe",
    "A100": "A100 SXM 80GB",
    "A100 80GB": "A100 SXM 80GB",
    "a100-80gb": "A100 SXM 80GB",
    "A100 40GB": "A100 SXM 40GB",
    "A100 SXM 40GB": "A100 SXM 40GB",
    "A800": "A800 SXM 80GB",
    "H200": "H200 SXM",
    "H800": "H800 SXM",
    "H20": "H20",
    "B200": "B200",
    "GB200": "GB200",
    "B300": "B300",
    "GB300": "GB300",
    "MI300X": "MI300X",
    "AMD Instinct MI300X": "MI300X",
    "MI250X": "MI250X",
    "MI325X": "MI325X",
    "MI355X": "MI355X",
    "TPU v4": "TPU v4",
    "v5e": "TPU v5e",
    "TPU v5p": "TPU v5p",
    "v6e": "TPU v6e",
    "Trillium": "TPU v6e",
    "Google TPU v6e": "TPU v6e",
    "Gaudi 2": "Gaudi 2",
    "gaudi2": "Gaudi 2",
    "Gaudi 3": "Gaudi 3",
    "Intel Gaudi 3": "Gaudi 3",
    "L40S": "L40S",
    "L4": "L4",
    "RTX 4090": "RTX 4090",
    "4090": "RTX 4090",
    "GeForce RTX 4090": "RTX 4090",
    "V100": "V100 SXM 32GB",
    "MLU370": "MLU370-X8",
}


@pytest.mark.parametrize("typed, expected", sorted(ALIASES.items()))
def test_aliases_resolve(typed, expected):
    assert resolve(typed).name == expected


@pytest.mark.parametrize(
    "typed, expected",
    [("910B", "Ascend 910B"), ("Huawei Ascend 910B", "Ascend 910B"), ("MLU590", "MLU590"), ("Vera Rubin", "Rubin")],
)
def test_unselectable_rows_resolve_but_refuse_to_stand_in(typed, expected):
    assert resolve(typed, selectable_only=False).name == expected
    with pytest.raises(FlopsheetError) as err:
        resolve(typed)
    assert err.value.arg == "gpu"
    assert expected in str(err.value) and "unconfirmed" in str(err.value)
    assert "as a number" in str(err.value)


def test_did_you_mean():
    with pytest.raises(FlopsheetError) as err:
        resolve("H10")
    assert str(err.value) == 'unknown GPU "H10"; did you mean "H100 SXM"?'
    assert err.value.arg == "gpu"
    with pytest.raises(FlopsheetError, match=r'did you mean "MI300X"\?'):
        resolve("MI300")
    with pytest.raises(FlopsheetError) as err:
        resolve("xyz")
    assert str(err.value) == 'unknown GPU "xyz"; see GPU_NAMES() for the catalog'


def test_repeated_errors_are_fresh_and_one_line():
    first = pytest.raises(FlopsheetError, resolve, "H10").value
    second = pytest.raises(FlopsheetError, resolve, "H10").value
    assert first is not second and str(first) == str(second) and "\n" not in str(first)


@pytest.mark.parametrize("bad", ["", "   ", None, 312.0])
def test_blank_or_non_text_names(bad):
    with pytest.raises(FlopsheetError) as err:
        resolve(bad)
    assert err.value.arg == "gpu"


def test_repeated_resolve_does_no_repeated_work(monkeypatch):
    """A sheet calls resolve() with the same text thousands of times: after the first call, no
    call re-reads the catalog or runs the fuzzy matcher (a repeated typo included). Work is
    counted, not timed; the per-call time is in benchmarks/checks_bench.py."""
    import difflib

    from flopsheet.catalog import model

    calls = {"parse": 0, "fuzzy": 0}
    parse, fuzzy = model._parse_row, difflib.get_close_matches

    def counted(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(model, "_parse_row", counted("parse", parse))
    monkeypatch.setattr(difflib, "get_close_matches", counted("fuzzy", fuzzy))
    resolve("NVIDIA H100 SXM5")
    pytest.raises(FlopsheetError, resolve, "H10 typo")
    first = dict(calls)
    for _ in range(1000):
        assert resolve("NVIDIA H100 SXM5").name == "H100 SXM"
        with pytest.raises(FlopsheetError, match="unknown GPU"):
            resolve("H10 typo")
    assert calls == first, (first, calls)


# ---------------------------------------------------------------- peaks, spec, require


def test_precision_is_case_and_space_insensitive():
    h100 = resolve("H100")
    assert peak_tflops(h100, " BF16 ") == peak_tflops(h100, "bf16") == 989.5
    assert peak_tflops(h100, "INT8") == 1979 and peak_tflops(h100, "tf32") == 494.5
    assert peak_tflops(h100, None) == 989.5  # blank means default


def test_unknown_precision():
    with pytest.raises(FlopsheetError) as err:
        peak_tflops(resolve("H100"), " xx ")
    assert str(err.value) == 'precision must be one of bf16, fp16, fp8, fp4, int8, tf32, fp32 (got "xx")'
    assert err.value.arg == "precision"


def test_unsupported_precision_lists_supported_ones():
    with pytest.raises(FlopsheetError) as err:
        peak_tflops(resolve("H100"), "fp4")
    assert (
        str(err.value)
        == 'precision "fp4": H100 SXM has no dense fp4 figure; it supports bf16, fp16, fp8, int8, tf32, fp32'
    )
    assert err.value.arg == "precision"
    with pytest.raises(FlopsheetError, match=r"TPU v4 has no dense fp16 figure; it supports bf16, int8$"):
        peak_tflops(resolve("TPU v4"), "fp16")
    with pytest.raises(FlopsheetError, match=r"Gaudi 2 has no dense fp16 figure \(unconfirmed"):
        peak_tflops(resolve("Gaudi 2"), "fp16")


def test_spec_values_and_errors():
    h100 = resolve("H100")
    assert spec(h100, "memory_gb") == 80 and spec(h100, "vendor") == "NVIDIA"
    assert spec(h100, "year") == 2022 and spec(h100, "source").startswith("https://")
    assert spec(h100, " BF16_TFLOPS ") == 989.5 and spec(h100, None) == 989.5
    assert spec(resolve("910B", selectable_only=False), "memory_gb") == 64
    with pytest.raises(FlopsheetError) as err:
        spec(h100, "flops")
    # every field listed; the peaks grouped ("fp32/tf32/bf16/..._tflops") to keep the message one short line
    listed = str(err.value).replace("/", "_tflops, ")
    assert err.value.arg == "field" and all(f in listed for f in FIELDS) and len(str(err.value)) < 300
    cases = [
        ("MI355X", "fp32_tflops", "unconfirmed"),
        ("TPU v4", "fp64_tflops", "not published"),
        ("H100", "fp4_tflops", "not supported"),
        ("H20", "sparsity_factor", "unconfirmed"),
        ("A100 40GB", "usd_per_gpu_hour", "price"),
    ]
    for name, field, reason in cases:
        with pytest.raises(FlopsheetError) as err:
            spec(resolve(name), field)
        assert reason in str(err.value) and field in str(err.value), str(err.value)


def test_require():
    assert require(resolve("H100"), "bandwidth_tbs", "the decode roofline") == 3.35
    with pytest.raises(FlopsheetError) as err:
        require(resolve("TPU v4"), "tdp_w", "the energy estimate")
    msg = str(err.value)
    assert err.value.arg == "gpu" and "TPU v4" in msg and "tdp_w" in msg and "energy" in msg
    assert "unconfirmed" in msg
    with pytest.raises(FlopsheetError, match="catalog name") as err:
        require(312.0, "bandwidth_tbs", "the decode roofline")
    assert err.value.arg == "gpu"
