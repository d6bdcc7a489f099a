"""Power by platform (issue 23): each accelerator's IT power is its reference server's or rack's
(system maximum / its accelerators), from the vendor where one publishes it and marked ESTIMATE
(with how) where none does; facility power is IT power x PUE; TPUs and Trainium2 have figures,
so their energy and fleet power are numbers, not errors."""

import re

import pytest

from flopsheet import catalog, engine
from flopsheet import functions as F
from flopsheet.engine.economics import SERVER_POWER_FACTOR

ROWS = {g.name: g for g in catalog.all_gpus()}

# Vendor platform figures: (catalog row, system watts, accelerators in it), as server_source states them.
VENDOR = [
    ("V100 SXM 32GB", 3500, 8),  # DGX-1 (V100)
    ("A100 SXM 40GB", 6500, 8),  # DGX A100
    ("A100 SXM 80GB", 6500, 8),
    ("H100 SXM", 10200, 8),  # DGX H100
    ("H200 SXM", 10200, 8),  # DGX H200
    ("B200", 14300, 8),  # DGX B200
    ("GB200", 132000, 72),  # GB200 NVL72 rack, maximum of NVIDIA's ~120-132 kW
]


@pytest.mark.parametrize("name, system_w, accelerators", VENDOR)
def test_vendor_platform_figures_are_the_system_power_over_its_accelerators(name, system_w, accelerators):
    gpu = ROWS[name]
    assert gpu.server_w == pytest.approx(system_w / accelerators, abs=0.05)
    assert not gpu.server_source.startswith("ESTIMATE")
    assert "https://" in gpu.server_source
    # the text states the system figure the number is divided from
    kw = f"{system_w / 1000:g} kW"
    assert kw in gpu.server_source or f"{system_w:,} W" in gpu.server_source, gpu.server_source
    assert f"{accelerators}" in gpu.server_source


def test_every_server_power_says_whose_figure_it_is_or_how_it_was_estimated():
    for gpu in ROWS.values():
        if gpu.server_w is None:
            assert "server_w" in gpu.unconfirmed, gpu.name  # empty on purpose, with the reason listed
            continue
        assert 50 <= gpu.server_w <= 5000, gpu.name  # inside SERVER_W's plausible range
        src = gpu.server_source
        assert src.startswith("ESTIMATE: ") or re.search(r"https?://", src), (gpu.name, src)
        if src.startswith("ESTIMATE: "):
            assert len(src) > 60, (gpu.name, src)  # says how, not just "estimate"
        if "the DGX factor" in src:  # the rule for a chip whose platform has no figure: TDP x 10.2 kW / 5.6 kW
            assert gpu.server_w == pytest.approx(gpu.tdp_w * SERVER_POWER_FACTOR, abs=0.05), gpu.name
        if gpu.tdp_w is not None:
            assert gpu.server_w > gpu.tdp_w, gpu.name  # a server draws more than its GPU board


def test_tpus_and_trainium_have_power_marked_as_estimates():
    for name in ("TPU v4", "TPU v5e", "TPU v5p", "TPU v6e", "TPU v7", "Trainium2"):
        gpu = catalog.resolve(name)
        assert gpu.tdp_w is None  # no vendor TDP: the estimate is the server's, not a datasheet figure
        assert gpu.server_source.startswith("ESTIMATE: "), name
        mwh = F.TRAIN_ENERGY_MWH(1e24, name)
        hours = F.GPU_HOURS(1e24, name)
        assert mwh == pytest.approx(hours * gpu.server_w * engine.DEFAULT_PUE / 1e6)
        assert F.FLEET_POWER_MW(1000, name) == pytest.approx(1000 * gpu.server_w * 1.2 / 1e6)
    # Ironwood: Google's ~10 MW for a 9,216-chip pod
    assert 9216 * catalog.resolve("TPU v7").server_w == pytest.approx(10e6, rel=1e-4)


def test_the_issues_figures():
    # a GB200 NVL72 rack: NVIDIA's ~120-132 kW, not the 157 kW of one DGX H100 factor for every GPU
    rack_kw = F.IT_POWER_MW(72, "GB200") * 1000
    assert 120 <= rack_kw <= 132.01
    # 100k H100s: 127.5 MW of servers (IT), 153 MW at PUE 1.2; the "150 MW" analysts quote is IT power
    assert F.IT_POWER_MW(100000, "H100") == pytest.approx(127.5)
    assert F.FLEET_POWER_MW(100000, "H100") == pytest.approx(153.0)
    # a 100k-GPU GB200 cluster: ~220 MW at PUE 1.2, not 262 MW
    assert F.FLEET_POWER_MW(100000, "GB200") == pytest.approx(100000 * 132000 / 72 * 1.2 / 1e6, rel=1e-4)
    assert F.FLEET_POWER_MW(100000, "GB200") < 230


@pytest.mark.parametrize("name", [g.name for g in catalog.all_gpus() if g.selectable and g.server_w is not None])
def test_facility_power_is_it_power_times_pue(name):
    for pue in (1.0, 1.1, 1.4):
        assert F.FLEET_POWER_MW(4096, name, pue) == pytest.approx(F.IT_POWER_MW(4096, name) * pue)
    # TCO and amortised training read the same server power (a typed one overrides it)
    kw = catalog.resolve(name).server_w / 1000
    energy = F.GPU_TCO_PER_HOUR(30000, 4, name, 0.2) - F.GPU_TCO_PER_HOUR(30000, 4, name, 0.1)  # $0.1/kWh more
    assert energy == pytest.approx(kw * 1.2 * 0.1)
    typed = F.GPU_TCO_PER_HOUR(30000, 4, name, 0.2, None, None, None, 1000) - F.GPU_TCO_PER_HOUR(
        30000, 4, name, 0.1, None, None, None, 1000
    )
    assert typed == pytest.approx(1.0 * 1.2 * 0.1)
