"""Catalog figures that were corrected, prices with their source and date, and missing figures.

CORRECTIONS lists every cell where the shipped catalog deliberately differs from the project's
reference table (tests/reference/accelerators.csv), with the reference's value and the
source of the correction. A test comparing the catalog with the reference must skip these cells
(`from tests.catalog.test_figures import CORRECTIONS` or copy the keys).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from flopsheet import catalog
from flopsheet import functions as F
from flopsheet.catalog import FIELDS, Missing, all_gpus, figure, prices, require, resolve, spec
from flopsheet.errors import FlopsheetError

# (catalog row, field): (reference cell, shipped value, why)
CORRECTIONS = {
    ("H800 SXM", "tdp_w"): (
        "unconfirmed",
        700.0,
        "NVIDIA H800 datasheet: H800 SXM 700 W (PCIe card 350 W), per project issue 10; "
        "Hugging Face hardware page lists 700 W",
    ),
    ("A800 SXM 80GB", "bandwidth_tbs"): (
        "unconfirmed",
        2.039,
        "the A800 SXM4 80GB is the A100 SXM4 80GB with NVLink cut; its HBM2e is the A100 80GB's "
        "2,039 GB/s (NVIDIA A100 datasheet)",
    ),
    ("B300", "fp4_tflops"): (
        "14000",
        13500.0,
        "the row's own source note: HGX B300 108 PFLOPS dense FP4 over 8 GPUs = 13,500 per GPU",
    ),
}

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "accelerators.csv"  # see its README


def by_name(name: str):
    [gpu] = [g for g in all_gpus() if g.name == name]
    return gpu


# ---------------------------------------------------------------- bullet 3: corrected figures


@pytest.mark.parametrize("key", sorted(CORRECTIONS))
def test_corrected_figures_are_shipped(key):
    name, field = key
    gpu = by_name(name)
    assert getattr(gpu, field) == CORRECTIONS[key][1]
    assert field not in gpu.unconfirmed


def test_corrections_are_still_needed_against_the_reference():
    rows = {r["name"]: r for r in csv.DictReader(REFERENCE.open(newline="", encoding="utf-8"))}
    column = {"tdp_w": "tdp_w", "bandwidth_tbs": "memory_bandwidth_tbs", "fp4_tflops": "fp4_tflops_dense"}
    for (name, field), (cell, _, _) in CORRECTIONS.items():
        assert rows[by_name(name).full_name][column[field]].strip() == cell, (name, field)


def test_h800_energy_inputs_exist():
    # DeepSeek-V3's cluster: the energy estimate needs the H800's TDP.
    assert require(resolve("H800"), "tdp_w", "the energy estimate") == 700
    assert resolve("H800").tdp_w == resolve("H100 SXM").tdp_w


def test_a800_bandwidth_is_the_a100_80gb_sxm_hbm2e():
    assert resolve("A800").bandwidth_tbs == resolve("A100 80GB").bandwidth_tbs == 2.039


def test_b300_fp4_matches_its_hgx_system_figure():
    b300 = resolve("B300")
    assert b300.fp4_tflops == 108_000 / 8
    assert "108" in b300.notes and "13.5" in b300.notes
    # GB300 follows the same rule: NVL72 1,080 PF dense FP4 over 72 GPUs
    assert resolve("GB300").fp4_tflops == 1_080_000 / 72


def test_dense_peaks_are_consistent_within_each_row():
    # Vendors' tensor peaks double with each halving of precision on these parts; a typo in one
    # column breaks the chain. (Exceptions: formats a part runs at the same rate.)
    for gpu in all_gpus():
        if gpu.bf16_tflops and gpu.fp16_tflops:
            assert gpu.bf16_tflops == gpu.fp16_tflops, gpu.name
        if gpu.fp8_tflops and gpu.bf16_tflops and gpu.vendor in ("NVIDIA", "AMD"):
            # L40S: NVIDIA lists BF16 362.05 but FP8 733 (a known 1% vendor inconsistency)
            assert gpu.fp8_tflops == pytest.approx(2 * gpu.bf16_tflops, rel=0.015), gpu.name
        if gpu.tf32_tflops and gpu.bf16_tflops and gpu.vendor in ("NVIDIA", "AMD") and gpu.name != "RTX 4090":
            assert gpu.tf32_tflops == pytest.approx(gpu.bf16_tflops / 2, rel=0.03), gpu.name


# ---------------------------------------------------------------- issue 23: new accelerators

# (catalog row, field): (value, source it was read in). Dense peaks: neither vendor quotes a
# sparse figure these columns would have to halve (AWS's one sparse figure is noted on its row).
TPU7X = "https://docs.cloud.google.com/tpu/docs/tpu7x"
TRAINIUM2 = (
    "https://awsdocs-neuron.readthedocs-hosted.com/en/v2.29.0/_sources/about-neuron/arch/neuron-hardware/trainium2.rst"
)
H200_PAGE = "https://www.nvidia.com/en-us/data-center/h200/"
ROCM_SPECS = "https://rocm.docs.amd.com/en/7.13.0-preview/reference/gpu-specs.html"
NEW_FIGURES = {
    ("TPU v7", "bf16_tflops"): (2307, TPU7X),
    ("TPU v7", "fp8_tflops"): (4614, TPU7X),
    ("TPU v7", "memory_gb"): (192, TPU7X),
    ("Trainium2", "fp8_tflops"): (1299, TRAINIUM2),
    ("Trainium2", "bf16_tflops"): (667, TRAINIUM2),
    ("Trainium2", "fp16_tflops"): (667, TRAINIUM2),
    ("Trainium2", "tf32_tflops"): (667, TRAINIUM2),
    ("Trainium2", "fp32_tflops"): (181, TRAINIUM2),
    ("Trainium2", "memory_gb"): (96, TRAINIUM2),
    ("Trainium2", "bandwidth_tbs"): (2.9, TRAINIUM2),
    ("Trainium2", "interconnect_gbs"): (1280, TRAINIUM2),
    # NVIDIA's H200 page, NVL column: BF16 1,671 TFLOPS with sparsity (dense half), up to 600 W
    ("H200 NVL", "bf16_tflops"): (835.5, H200_PAGE),
    ("H200 NVL", "sparsity_factor"): (2, H200_PAGE),
    ("H200 NVL", "tdp_w"): (600, H200_PAGE),
    # AMD's ROCm GPU specifications table: MI350X 288 (GiB column)
    ("MI350X", "memory_gb"): (288, ROCM_SPECS),
}

# Issue 23, second pass: figures only SECONDARY copies of the vendor's text gave (press, OEM and
# forum copies of NVIDIA's and AMD's tables). Each is pinned to the URL the row cites and the row
# must say SECONDARY, so it can never pass for a datasheet read.
GH200_PAGE = "https://www.nvidia.com/en-us/data-center/grace-hopper-superchip/"
GH200_FORUM = "https://forums.developer.nvidia.com/t/question-about-gh200-memory-size/258535"
MI350X_PAGE = "https://www.amd.com/en/products/accelerators/instinct/mi350/mi350x.html"
HUAWEI_HC2025_COPY = "https://www.stcn.com/article/detail/3345926.html"
ATLAS_800T_A2 = "https://e.huawei.com/cn/documents/products/computing/b0b253c4d5da4e05ba80a39e3dc65fd2"
SECONDARY_FIGURES = {
    # the H200 page's NVL column, sparse figures halved: 141 GB, 4.8 TB/s, FP8/INT8 3,341*, TF32 835*
    ("H200 NVL", "memory_gb"): (141, H200_PAGE),
    ("H200 NVL", "bandwidth_tbs"): (4.8, H200_PAGE),
    ("H200 NVL", "fp8_tflops"): (1670.5, H200_PAGE),
    ("H200 NVL", "int8_tops"): (1670.5, H200_PAGE),
    ("H200 NVL", "tf32_tflops"): (417.5, H200_PAGE),
    ("H200 NVL", "fp64_tflops"): (30, H200_PAGE),
    ("H200 NVL", "interconnect_gbs"): (900, H200_PAGE),
    # GH200 datasheet copies: 96 GB HBM3 at 4 TB/s, the GH100's FP8 3,958* / BF16 1,979*
    ("GH200", "memory_gb"): (96, GH200_FORUM),
    ("GH200", "bandwidth_tbs"): (4.0, GH200_PAGE),
    ("GH200", "bf16_tflops"): (989.5, GH200_PAGE),
    ("GH200", "fp8_tflops"): (1979, GH200_PAGE),
    # AMD: 2.3 / 4.6 / 9.2 PF dense = 256 CUs x 4,096 / 8,192 / 16,384 FLOPs per clock x 2.2 GHz
    ("MI350X", "bf16_tflops"): (2306.9, MI350X_PAGE),
    ("MI350X", "fp8_tflops"): (4613.7, MI350X_PAGE),
    ("MI350X", "fp4_tflops"): (9227.5, MI350X_PAGE),
    ("MI350X", "bandwidth_tbs"): (8.0, MI350X_PAGE),
    ("MI350X", "tdp_w"): (1000, MI350X_PAGE),
    # Huawei Connect 2025 keynote (Eric Xu) as Securities Times reported it: 910C 800 TFLOPS FP16,
    # 128 GB HBM at 3.2 TB/s, 784 GB/s interconnect
    ("Ascend 910C", "fp16_tflops"): (800, HUAWEI_HC2025_COPY),
    ("Ascend 910C", "memory_gb"): (128, HUAWEI_HC2025_COPY),
    ("Ascend 910C", "bandwidth_tbs"): (3.2, HUAWEI_HC2025_COPY),
    ("Ascend 910C", "interconnect_gbs"): (784, HUAWEI_HC2025_COPY),
    # HCCS per 8-NPU module, press copies
    ("Ascend 910B", "interconnect_gbs"): (392, ATLAS_800T_A2),
}


@pytest.mark.parametrize("key", sorted(SECONDARY_FIGURES))
def test_secondary_figures_are_pinned_and_say_so(key):
    name, field = key
    value, source = SECONDARY_FIGURES[key]
    gpu = by_name(name)
    assert getattr(gpu, field) == value
    assert source in gpu.source.split(" ; ")
    assert field not in gpu.unconfirmed
    assert "SECONDARY" in gpu.confidence and "SECONDARY" in gpu.notes


def test_mi350x_peaks_are_its_cus_times_cdna4_rates_at_its_clock():
    # the same arithmetic gives the MI355X row at 2.4 GHz, so the two rows cannot drift apart
    cus, ghz = 256, {"MI350X": 2.2, "MI355X": 2.4}
    for name, clock in ghz.items():
        gpu = by_name(name)
        assert gpu.bf16_tflops == pytest.approx(cus * 4096 * clock / 1e3, abs=0.05), name
        assert gpu.fp8_tflops == pytest.approx(cus * 8192 * clock / 1e3, abs=0.05), name
        assert gpu.fp4_tflops == pytest.approx(cus * 16384 * clock / 1e3, abs=0.6), name


def test_a_name_that_covers_several_skus_gets_no_peak():
    # "910B" names SKUs with 280-376 TFLOPS FP16: no single figure, the user types the SKU's peak
    gpu = by_name("Ascend 910B")
    assert gpu.fp16_tflops is None and gpu.bf16_tflops is None and not gpu.selectable
    assert "313 or 376" in gpu.notes and "type the peak of your SKU" in gpu.notes


def test_ascend_bf16_is_a_named_gap_not_a_copy_of_fp16():
    # Huawei's figures name FP16; BF16 is supported but no BF16 figure of Huawei's was read
    for name in ("Ascend 910C",):
        gpu = by_name(name)
        assert gpu.bf16_tflops is None and "bf16_tflops" in gpu.unconfirmed, name
        assert gpu.fp8_tflops is None and "fp8_tflops" not in gpu.unconfirmed, name  # no FP8 on this generation
        with pytest.raises(FlopsheetError, match="bf16_tflops"):
            spec(gpu, "bf16_tflops")


def test_gh200_platform_power_is_nvidia_s_building_block_figure():
    # ~15 kW per DGX GH200 building block of 8 superchips and 3 switch trays (NVIDIA forum answer)
    gh200 = by_name("GH200")
    assert gh200.server_w == 15000 / 8
    assert GH200_FORUM in gh200.server_source and not gh200.server_source.startswith("ESTIMATE")
    assert gh200.tdp_w is None and "tdp_w" in gh200.unconfirmed  # NVIDIA gives a module power, not a GPU TDP


@pytest.mark.parametrize("key", sorted(NEW_FIGURES))
def test_new_accelerator_figures_are_pinned_to_their_source(key):
    name, field = key
    value, source = NEW_FIGURES[key]
    gpu = by_name(name)
    assert getattr(gpu, field) == value
    assert source in gpu.source.split(" ; ")
    assert field not in gpu.unconfirmed


def test_new_accelerators_leave_unread_figures_empty():
    # what the sources did not give is a named gap, never a number
    for name, gaps in {
        "TPU v7": ("bandwidth_tbs", "interconnect_gbs", "tdp_w", "int8_tops"),
        "Trainium2": ("int8_tops", "fp64_tflops", "tdp_w", "sparsity_factor"),
        # issue 23: figures no copy of the vendor's text gave stay named gaps
        "GH200": ("tdp_w",),
        "MI350X": ("fp32_tflops", "tf32_tflops", "int8_tops", "fp64_tflops", "interconnect_gbs"),
        "Rubin": ("year", "memory_gb", "bandwidth_tbs", "bf16_tflops", "fp8_tflops", "fp4_tflops", "tdp_w"),
    }.items():
        gpu = by_name(name)
        for field in gaps:
            assert getattr(gpu, field) is None and field in gpu.unconfirmed, (name, field)
            with pytest.raises(FlopsheetError, match=field):
                spec(gpu, field)


def test_new_accelerators_resolve_by_their_usual_names():
    for label in ("TPU v7", "TPU7x", "Ironwood", "Google TPU7x (Ironwood)"):
        assert resolve(label).name == "TPU v7", label
    for label in ("Trainium2", "Trn2", "Trainium 2", "AWS Trainium2"):
        assert resolve(label).name == "Trainium2", label
    for label, name in (
        ("H200 NVL", "H200 NVL"),
        ("H200 PCIe", "H200 NVL"),
        ("H200", "H200 SXM"),  # the SXM stays what "H200" means
        ("GH200", "GH200"),
        ("Grace Hopper", "GH200"),
        ("MI350X", "MI350X"),
        ("MI355X", "MI355X"),
        ("Vera Rubin", "Rubin"),
        ("Rubin", "Rubin"),
    ):
        assert resolve(label, selectable_only=False).name == name, label


def test_an_announced_accelerator_is_named_and_refused_with_the_reason():
    # Rubin is announced: the name resolves, and a function that needs a peak says the figure is
    # unconfirmed (never another GPU's figures)
    assert "announced" in by_name("Rubin").full_name
    assert "ANNOUNCED" in by_name("Rubin").notes
    for name in ("Rubin",):
        with pytest.raises(
            FlopsheetError, match=f"{name} has no dense bf16/fp16 peak in the catalog \\(unconfirmed\\)"
        ):
            F.GPU_HOURS(1e24, name)


# ---------------------------------------------------------------- bullet 4: prices


def test_every_price_has_its_source_and_date():
    priced = [g for g in all_gpus() if g.usd_per_gpu_hour is not None]
    assert priced
    for gpu in priced:
        assert "http" in catalog.field(gpu, "price_source"), gpu.name
        date = catalog.field(gpu, "price_date")
        assert re.fullmatch(r"20\d\d-[01]\d-[0-3]\d", date), (gpu.name, date)
        # one basis for every default price, said in its source (issue 23)
        assert gpu.price_source.startswith(f"DEFAULT RENTAL PRICE ({prices.DEFAULT_BASIS})"), gpu.name


def test_assumptions_are_not_default_prices():
    """MosaicML's $2 per A100-40GB-hour and DeepSeek's $2 per H800-hour are rates the publications
    assumed: the price table keeps them as their own kind, the catalog's default is not them."""
    for name in ("A100 40GB", "H800"):
        with pytest.raises(FlopsheetError, match="no sourced price"):
            spec(resolve(name), "usd_per_gpu_hour")
        assert prices.price(name, "rental_assumption").usd == 2.0
    assert prices.price("A100 40GB", "rental_assumption").date == "2023-05-05"


def test_unpriced_rows_say_so_for_price_fields():
    for field in ("usd_per_gpu_hour", "price_source", "price_date"):
        with pytest.raises(FlopsheetError, match=f"{field}.*no sourced price"):
            spec(resolve("MI300X"), field)


def test_price_fields_are_catalog_fields():
    assert {"price_source", "price_date"} <= set(FIELDS)
    assert catalog.field_name(" Price_Date ") == "price_date"


# ---------------------------------------------------------------- bullet 5: missing is never a number


def test_every_missing_figure_raises_and_is_never_a_number():
    checked = 0
    for gpu in all_gpus():
        for field in FIELDS:
            value = getattr(gpu, field)
            if value is None or value == "":
                with pytest.raises(FlopsheetError) as err:
                    spec(gpu, field)
                assert gpu.name in str(err.value) and field in str(err.value)
                marker = figure(gpu, field)
                assert isinstance(marker, Missing) and not marker
                assert marker.reason in str(err.value)
                with pytest.raises(TypeError):
                    float(marker)
                with pytest.raises(TypeError):
                    marker + 1
                checked += 1
            else:
                assert figure(gpu, field) == value == spec(gpu, field)
                if isinstance(value, float):
                    assert math.isfinite(value) and value > 0
    assert checked > 100


def test_require_refuses_missing_and_text_fields():
    with pytest.raises(FlopsheetError, match="unconfirmed"):
        require(resolve("MI355X"), "fp32_tflops", "this estimate")
    with pytest.raises(FlopsheetError, match="not a number"):
        require(resolve("H100"), "price_date", "this estimate")
