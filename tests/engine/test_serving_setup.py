"""The serving bundle (engine.inference.Serving): every serving formula binds its keyword arguments into one
setup by name, so a figure lands in the field of its name whatever the formula's argument order."""

from __future__ import annotations

import numpy as np

from flopsheet import engine
from flopsheet.engine import inference
from flopsheet.engine.inference import Serving, serving_setup

# Every figure the bundle reads, each a different number, so a field bound to the wrong name shows
KW = dict(
    params=7.0e10,
    peak_tflops=989.5,
    bandwidth_tbs=3.35,
    memory_gb=80.0,
    bytes_per_param=1.0,
    gpus=4.0,
    bw_efficiency=0.7,
    mfu=0.3,
    prefill_mfu=0.6,
    peak_share=0.5,
    bw_share=0.75,
    attn_cost=1.8,
    total_params=4.0e11,
    expert_share=0.125,
    expert_cost=0.9,
    layers=80.0,
    d_model=8192.0,
    attn_dim=6144.0,
    interconnect_gbs=900.0,
    allreduce_us=12.0,
    batch=64.0,  # the request's own: not a field
)
# The expert-parallel fields (engine.parallel), which no public formula takes yet: 0 (none) unless given
EP = dict(ep=144.0, experts_per_token=8.0, moe_layers=58.0, scaleup_gpus=8.0, scaleout_gbs=50.0)


def test_each_field_is_the_figure_of_its_name():
    s = serving_setup(KW)
    assert isinstance(s, Serving) and len(s) == len(Serving._fields)
    raw = set(Serving._fields) - {"mfu", "prefill_mfu", "bytes_s", "flops_s", "prefill_flops_s", "layer_us", "launch_s"}
    raw -= set(EP)
    assert s.layer_us == inference.DEFAULT_LAYER_US and serving_setup(dict(KW, layer_us=30.0)).layer_us == 30.0
    assert {name: getattr(s, name) for name in raw} == {name: KW[name] for name in raw}
    # both efficiencies times the number format's share of the peak
    assert s.mfu == 0.3 * 0.5 and s.prefill_mfu == 0.6 * 0.5
    assert s.bytes_s == 4.0 * 3.35 * 1e12 * 0.7
    assert s.flops_s == 4.0 * 989.5 * 1e12 * (0.3 * 0.5)
    assert s.prefill_flops_s == 4.0 * 989.5 * 1e12 * (0.6 * 0.5)
    assert s.launch_s == 80.0 * inference.DEFAULT_LAYER_US * 1e-6  # a forward pass's fixed cost


def test_a_figure_the_formula_does_not_take_is_the_default():
    s = serving_setup(dict(params=8e9, peak_tflops=989.5, bandwidth_tbs=3.35, memory_gb=80.0))
    assert (s.gpus, s.bytes_per_param, s.total_params, s.layers) == (1.0, 2.0, 0.0, 0.0)
    assert s.mfu == inference.DEFAULT_MFU and s.bw_share == 1.0  # every accelerator's but AMD CDNA3's
    assert s.attn_cost == 1.0  # attention at the GEMMs' rate but in an FP4 run
    assert s.expert_cost == 0.0  # no routed experts' width cost unless a catalog mixture of experts gives one
    assert s.prefill_mfu == inference.DEFAULT_PREFILL_MFU
    assert s.allreduce_us == inference.DEFAULT_ALLREDUCE_US and s.layer_us == inference.DEFAULT_LAYER_US


def test_the_prefill_efficiency_can_stand_for_the_formulas():
    # TTFT_SECONDS' mfu is a prefill's: the bundle takes it as prefill_mfu, times the share
    s = serving_setup(KW, prefill_mfu=0.8)
    assert s.prefill_mfu == 0.8 * 0.5 and s.mfu == 0.3 * 0.5


def test_the_formulas_read_the_bundle_by_name():
    # the same setup through each formula's own argument order gives one step and one prefill
    s = serving_setup(KW)
    step = inference.decode_ms_unchecked(s, 64.0, 3.0)
    args = {k: v for k, v in KW.items() if k not in ("prefill_mfu", "attn_dim")}
    assert engine.decode_ms.formula.fn(**dict(args, kv_gb=3.0)) == step
    assert engine.tokens_per_second.formula.fn(**dict(args, kv_gb=3.0)) == 64.0 / step * 1e3
    prefill = inference.prefill_s_unchecked(s, 2000.0, 64.0)
    ttft_args = {k: v for k, v in KW.items() if k != "prefill_mfu"}
    assert engine.ttft_seconds.formula.fn(**dict(ttft_args, mfu=0.6, prompt_tokens=2000.0)) == prefill
    response = engine.response_seconds.formula.fn(**dict(KW, kv_gb=3.0, prompt_tokens=2000.0, output_tokens=300.0))
    assert response == prefill + 300.0 * step / 1e3


def test_the_bundle_broadcasts_arrays():
    s = serving_setup(dict(KW, gpus=np.array([[1.0], [2.0], [8.0]]), mfu=np.array([0.3, 0.4])))
    assert np.shape(s.flops_s) == (3, 2)
    step = inference.decode_ms_unchecked(s, 64.0, 3.0)
    assert np.shape(step) == (3, 2) and np.all(np.diff(step[:, 0]) < 0)  # more GPUs, shorter step


def test_the_expert_parallel_fields_and_step():
    from flopsheet.engine.parallel import ep_forward_seconds

    plain = serving_setup(KW)
    assert all(getattr(plain, name) == 0.0 for name in EP)
    s = serving_setup(dict(KW, **EP, gpus=1.0))
    assert {name: getattr(s, name) for name in EP} == EP
    # the bundle's step is engine.parallel's on the same figures (experts over 144 GPUs, attention TP1)
    step = inference.decode_ms_unchecked(s, 15000.0, 2000.0, 1e9)
    fields = (
        "params",
        "total_params",
        "expert_share",
        "expert_cost",
        "experts_per_token",
        "d_model",
        "layers",
        "moe_layers",
    )
    direct = ep_forward_seconds(
        **{k: getattr(s, k) for k in fields},
        tokens=15000.0,
        attn_flops=1e9 * 15000.0 * 1.8,  # at attention's own rate: attn_cost
        kv_gb=2000.0,
        tp=1.0,
        gpus=144.0,
        peak_tflops=989.5,
        bandwidth_tbs=3.35,
        bytes_per_param=1.0,
        bw_efficiency=0.7 * 0.75,  # a decode step's reads at the accelerator's share of the bandwidth (bw_share)
        mfu=0.3 * 0.5,
        scaleup_gpus=8.0,
        nvlink_gbs=900.0,
        scaleout_gbs=50.0,
        allreduce_us=12.0 * inference.EP_COLLECTIVE_PER_ALLREDUCE,
    )
    # the expert-parallel path keeps the fit it was made with: every collective at EP_COLLECTIVE_PER_ALLREDUCE x
    # allreduce_us (45 us at the default), no per-layer launch cost
    assert float(step) == float(direct) * 1e3
    assert float(step) != inference.decode_ms_unchecked(serving_setup(dict(KW, gpus=1.0)), 15000.0, 2000.0, 1e9)
    # an array of layouts: each element its own step (EP1 is the tensor-parallel step)
    both = inference.decode_ms_unchecked(
        serving_setup(dict(KW, **dict(EP, ep=np.array([1.0, 144.0])), gpus=1.0)), 15000.0, 2000.0, 1e9
    )
    assert both[1] == float(step)
    assert both[0] == inference.decode_ms_unchecked(serving_setup(dict(KW, gpus=1.0)), 15000.0, 2000.0, 1e9)
