"""TRAIN_MFU (engine.training.train_mfu): the per-step efficiency of one run from its model, GPU and layout.
Each term moves the answer the way its mechanism says, and vanishes when its inputs are absent."""

import math

import pytest

from flopsheet import functions as F
from flopsheet.engine import training as T
from flopsheet.errors import FlopsheetError


def test_a_dense_model_of_unknown_shape_is_the_precision_share():
    assert F.TRAIN_MFU(7e9, "A100") == pytest.approx(T.TRAIN_STEP_SHARE["bf16"])
    assert F.TRAIN_MFU(7e9, "H100", "fp8") == pytest.approx(T.TRAIN_STEP_SHARE["fp8"])
    assert F.TRAIN_MFU(7e9, "H100", "fp8", share=0.3) == pytest.approx(0.3)


def test_attention_costs_a_small_model_more_at_a_long_sequence():
    share = T.TRAIN_STEP_SHARE["bf16"]
    small = F.TRAIN_MFU("Llama 3 8B", "H100", "bf16", 8192)
    big = F.TRAIN_MFU("Llama 3.1 405B", "H100", "bf16", 8192)
    assert small < big < share
    # 2 L d s / N: Llama 3 8B has 32 layers of width 4096, 8.03B active parameters
    assert small == pytest.approx(share / (1 + 2 * 32 * 4096 * 8192 / 8.03e9), rel=1e-3)
    assert F.TRAIN_MFU("Llama 3 8B", "H100", "bf16") == pytest.approx(share)  # no sequence: not counted


def test_moe_all_to_all_is_charged_per_routed_expert_over_the_network():
    dense_like = F.TRAIN_MFU(37e9, "H800", "fp8", 4096)  # the same active size as a number: no model terms
    moe = F.TRAIN_MFU("DeepSeek-V3", "H800", "fp8")
    share = T.TRAIN_STEP_SHARE["fp8"]
    gemm = 6 * 37e9 / (1978.9e12 * share)
    a2a = T.A2A_BYTES * 8 * 58 * 7168 / (T.SCALE_OUT_GBS * 1e9)
    assert moe == pytest.approx(share / (1 + a2a / gemm), rel=1e-2)
    assert moe < 0.6 * dense_like  # DeepSeek-V3 report §3.2.1: about 1:1 computation to communication
    # a dense catalog model has no all-to-all
    assert F.TRAIN_MFU("Llama 3.1 70B", "H100") == pytest.approx(T.TRAIN_STEP_SHARE["bf16"])


def test_per_step_overhead_falls_with_tokens_per_gpu():
    base = F.TRAIN_MFU("GPT-3 175B", "H100", "fp8", 2048)
    few = F.TRAIN_MFU("GPT-3 175B", "H100", "fp8", 2048, 11616, 2904 * 2048)
    many = F.TRAIN_MFU("GPT-3 175B", "H100", "fp8", 2048, 512, 2304 * 2048)
    assert few < many < base
    per_gpu = 2904 * 2048 / 11616
    token_s = 6 * 175e9 / (1978.9e12 * T.TRAIN_STEP_SHARE["fp8"]) * (1 + 2 * 96 * 12288 * 2048 / 175e9)
    overhead = T.STEP_OVERHEAD_TOKENS / per_gpu + T.STEP_FIXED_S / (token_s * per_gpu)
    assert few == pytest.approx(base / (1 + overhead), rel=1e-3)
    # MLPerf v4.0: the same benchmark ran at 0.66 of the per-GPU rate on 11,616 GPUs as on 512 (fidelity rows)
    assert 0.55 < few / many < 0.8


def test_the_fixed_step_time_weighs_on_a_small_model_at_few_tokens_per_gpu():
    # MLPerf v5.1: Llama 3.1 8B on 512 GB300s at 1,024 tokens per GPU ran at ~0.4 of the 72-GPU per-GPU rate's
    # share; the fixed time is most of what a 30 ms step of work adds
    small = F.TRAIN_MFU("Llama 3.1 8B", "GB300", "fp8", 8192, 512, 64 * 8192)
    big = F.TRAIN_MFU("GPT-3 175B", "GB300", "fp8", 8192, 512, 64 * 8192)
    alone = F.TRAIN_MFU("Llama 3.1 8B", "GB300", "fp8", 8192)
    assert small < 0.5 * alone
    assert big / F.TRAIN_MFU("GPT-3 175B", "GB300", "fp8", 8192) > 0.7  # a big model's step hides it


def test_gpus_and_batch_go_together_and_bad_inputs_are_named():
    with pytest.raises(FlopsheetError, match="batch_tokens"):
        F.TRAIN_MFU("Llama 3 8B", "H100", "bf16", 8192, 16)
    with pytest.raises(FlopsheetError, match="gpus"):
        F.TRAIN_MFU("Llama 3 8B", "H100", "bf16", 8192, 0, 1e6)
    with pytest.raises(FlopsheetError, match="params"):
        F.TRAIN_MFU("no such model", "H100")


def test_it_feeds_gpu_hours_and_gives_the_hours_back():
    mfu = F.TRAIN_MFU("Llama 3.1 405B", "H100", "bf16", 8192)
    flops = F.TRAIN_FLOPS("Llama 3.1 405B", 15e12)
    hours = F.GPU_HOURS(flops, "H100", mfu, goodput=1)
    assert hours == pytest.approx(flops / (989.4e12 * mfu * 3600), rel=1e-3)
    assert math.isfinite(hours)


def test_scale_out_assumption_is_the_platform_figure_of_every_moe_training_row():
    # engine/training.py keeps SCALE_OUT_GBS (ScaleOutGBs) instead of the GPU's platforms.csv figure: on every MoE
    # training row it was fitted on, the platform gives the same 50 GB/s, so the platform figure would move none
    import csv
    from pathlib import Path

    from flopsheet import catalog, models
    from flopsheet.catalog.platforms import platform

    path = Path(__file__).parents[1] / "reference" / "measured.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"].startswith("train_")]

    def is_moe(typed):
        try:
            return models.resolve(typed).is_moe
        except FlopsheetError:  # a plain parameter count ("6.7B"): no experts, no all-to-all term
            return False

    # the rows the lumped scale-out term was fitted on; Megatron-Bridge's MoE steps are typed with their EP and
    # micro-batch (ep, micro_batch_tokens: the all-to-all inside NVLink, engine/training.py moe_step_seconds)
    moe = [r for r in rows if is_moe(r["model_as_typed"]) and r["kind"] != "train_tokens_per_s"]
    assert len(moe) >= 4  # DeepSeek-V2, DeepSeek-V3, Llama 4 Scout and Maverick
    for r in moe:
        plat = platform(catalog.resolve(r["gpu"]).name)
        assert plat is not None and plat.scaleout_gbs == T.SCALE_OUT_GBS, r["id"]
    # where they differ (a GB300's 800 Gb/s NIC), TRAIN_MFU keeps the assumption: its twin has no platform figure
    assert platform("GB300").scaleout_gbs == 100.0


# -- A mixture of experts' expert-parallel step (ep and micro_batch_tokens; engine.training.moe_step_seconds) ------


def test_blank_ep_is_todays_answer_and_a_dense_model_ignores_it():
    lumped = F.TRAIN_MFU("DeepSeek-V3", "H800", "fp8", 4096, 2048, 15728640)
    assert F.TRAIN_MFU("DeepSeek-V3", "H800", "fp8", 4096, 2048, 15728640, None, None, None) == lumped
    # a dense model (catalog or a plain count) has no experts, no MoE layers: ep and the micro-batch change nothing
    dense = F.TRAIN_MFU("Llama 3 70B", "GB200", "fp8", 8192, 64, 128 * 8192)
    assert F.TRAIN_MFU("Llama 3 70B", "GB200", "fp8", 8192, 64, 128 * 8192, None, 8, 16384) == pytest.approx(dense)
    assert F.TRAIN_MFU(7e9, "H100", "bf16", None, None, None, None, 8, 4096) == pytest.approx(F.TRAIN_MFU(7e9, "H100"))


def test_ep_and_micro_batch_go_together_and_bad_inputs_are_named():
    with pytest.raises(FlopsheetError, match=r"go together .*\(got only ep\)"):
        F.TRAIN_MFU("Qwen3 30B-A3B", "B200", "fp8", 4096, None, None, None, 8)
    with pytest.raises(FlopsheetError, match=r"go together .*\(got only micro_batch_tokens\)"):
        F.TRAIN_MFU("Qwen3 30B-A3B", "B200", "fp8", 4096, None, None, None, None, 4096)
    with pytest.raises(FlopsheetError, match="ep must be a whole number"):
        F.TRAIN_MFU("Qwen3 30B-A3B", "B200", "fp8", 4096, None, None, None, 2.5, 4096)
    with pytest.raises(FlopsheetError, match="micro_batch_tokens must be > 0"):
        F.TRAIN_MFU("Qwen3 30B-A3B", "B200", "fp8", 4096, None, None, None, 8, 0)


def test_ep_refusals_are_per_element_conditions_not_raised_by_the_formula():
    import numpy as np

    from flopsheet.engine._checks import run_masked

    # a catalog model with ep > 1 on a GPU with no NVLink figure: refused, naming ep and what is missing
    with pytest.raises(FlopsheetError, match=r"TRAIN_MFU: ep > 1 needs the GPU's NVLink bandwidth"):
        F.TRAIN_MFU("DeepSeek-V3", 989, "fp8", 4096, ep=8, micro_batch_tokens=4096)
    # a total below the active parameters would make the routed weights negative: refused, naming total_params
    with pytest.raises(FlopsheetError, match=r"total_params \(1e\+10\) is below params \(3e\+10\)"):
        T.train_mfu(3e10, 989.0, 0.4, total_params=1e10, expert_share=0.25, ep=8.0, micro_batch_tokens=4096.0)
    # over arrays each element is answered or refused on its own (the formula itself never raises)
    good = dict(params=3e10, peak_tflops=989.0, share=0.4, d_model=4096.0, routed_experts=8.0, moe_layers=40.0,
                total_params=3e11, expert_share=0.0625, micro_batch_tokens=4096.0)  # fmt: skip
    out, errors = run_masked(
        T.train_mfu.formula,
        {**{k: np.array([v, v]) for k, v in good.items()}, "interconnect_gbs": np.array([900.0, 0.0]),
         "ep": np.array([8.0, 8.0])},
    )  # fmt: skip
    assert errors[0] is None and 0 < out[0] < 0.4
    assert "NVLink" in errors[1]


def test_the_expert_step_terms_add_as_moe_step_seconds_says():
    # Qwen3 30B-A3B on a B200, EP8, one 4,096-token sequence a micro-batch (Megatron-Bridge 25.11's layout)
    share = T.TRAIN_STEP_SHARE["fp8"]
    peak = 4500e12
    active, total, k, experts, moe_layers, d, layers = 3.3e9, 30.5e9, 8, 128, 48, 2048, 48
    routed = (total - active) / (1 - k / experts)
    gemm = 6 * active / (peak * share)
    loss = 6 * routed * 100.0 / (peak * share * 4096 * 8)  # grouped GEMMs at 2,048 tokens per expert (m_half 100)
    a2a = T.A2A_TRAIN_BYTES * k * moe_layers * d * (7 / 8) / (1800 / 2 * 1e9 * 0.8)  # NVLink 5: 1,800 GB/s both ways
    fixed = T.MOE_MICROBATCH_S * moe_layers / 4096
    attention = 2 * layers * d * 4096 / active
    want = share / (1 + attention + (loss + a2a + fixed) / gemm)
    assert F.TRAIN_MFU("Qwen3 30B-A3B", "B200", "fp8", 4096, None, None, None, 8, 4096) == pytest.approx(want, rel=1e-3)
    assert fixed > loss + a2a  # at one sequence a micro-batch, the launches per MoE layer dominate


def test_a_larger_micro_batch_and_nvlink_beat_the_lumped_scale_out_term():
    args = ("Qwen3 30B-A3B", "GB200", "fp8", 4096, 8, 512 * 4096, None, 8)
    one, four = F.TRAIN_MFU(*args, 4096), F.TRAIN_MFU(*args, 4 * 4096)
    assert one < four  # Megatron-Core MoE README: CPU overhead, "increase micro-batch size"
    lumped = F.TRAIN_MFU(*args[:6])
    assert four > 2 * lumped  # inside an NVL72 rack the all-to-all does not cross the 400 Gb/s NICs
    # more expert-parallel ranks: more tokens per expert (a faster grouped GEMM), a larger share sent away; on one
    # NVL72 rack the eight copies EP8 leaves reduce their gradients over NVLink, a small cost
    ep64 = F.TRAIN_MFU("DeepSeek-V3", "GB200", "fp8", 4096, 64, 512 * 4096, None, 64, 4096)
    ep8 = F.TRAIN_MFU("DeepSeek-V3", "GB200", "fp8", 4096, 64, 512 * 4096, None, 8, 4096)
    assert 0.8 < ep64 / ep8 < 1.25
    # over four racks EP8 leaves 32 copies of each expert whose gradients cross the 400 Gb/s NICs every step
    across = F.TRAIN_MFU("DeepSeek-V3", "GB200", "fp8", 4096, 256, 2048 * 4096, None, 8, 4096)
    assert across < 0.7 * F.TRAIN_MFU("DeepSeek-V3", "GB200", "fp8", 4096, 256, 2048 * 4096, None, 64, 4096)


# -- tp, pp, vp: the pipeline bubble and the experts' copies of a published layout (engine.training.layout_step_terms)


def test_the_pipeline_bubble_is_pp_minus_1_over_vp_micro_batches():
    # gpt-oss-120b on 64 H100s, TP1 PP4 EP8, GBS 512 of 4,096 tokens, MBS 4: 16 pipelines of 8 micro-batches each
    # (Megatron-Bridge 25.11, nemo-moe-13); one pipeline stage idles (pp - 1) / (vp x m) of the step
    routed = (116.83e9 - 5.13e9) / (1 - 4 / 128)
    layout = dict(routed=routed, gpus=64.0, batch_tokens=512 * 4096.0, micro_batch_tokens=16384.0, ep=8.0,
                  interconnect_gbs=900.0, scaleup_gpus=8.0)  # fmt: skip
    bubble, _ = T.layout_step_terms(**layout, tp=1.0, pp=4.0, vp=1.0)
    assert bubble == pytest.approx(3 / 8)
    assert T.layout_step_terms(**layout, tp=1.0, pp=4.0, vp=2.0)[0] == pytest.approx(3 / 16)  # interleaved stages
    assert T.layout_step_terms(**layout, tp=2.0, pp=4.0, vp=1.0)[0] == pytest.approx(3 / 16)  # 8 pipelines of 16
    assert T.layout_step_terms(**layout, tp=1.0, pp=1.0, vp=1.0)[0] == 0.0
    # through the face: the step grows by the bubble of everything but the experts' reduction
    args = ("gpt-oss-120b", "H100", "bf16", 4096, 64, 512 * 4096, None, 8, 4 * 4096)
    flat, pp4 = F.TRAIN_MFU(*args, 1, 1), F.TRAIN_MFU(*args, 1, 4)
    assert F.TRAIN_MFU(*args) == flat  # blank degrees are 1
    _, sync4 = T.layout_step_terms(**layout, tp=1.0, pp=4.0, vp=1.0)
    gemm_per_gpu = 6 * 5.13e9 / (989.4e12 * T.TRAIN_STEP_SHARE["bf16"]) * 512 * 4096 / 64  # s of the 6N work
    share = T.TRAIN_STEP_SHARE["bf16"]
    # the step without the layout's terms (PP4's two copies' reduction taken out of pp4's step)
    step4 = share * gemm_per_gpu / pp4
    _, sync1 = T.layout_step_terms(**layout, tp=1.0, pp=1.0, vp=1.0)
    step1 = share * gemm_per_gpu / flat
    assert (step4 - sync4) / (step1 - sync1) == pytest.approx(1 + 3 / 8, rel=1e-3)
    assert F.TRAIN_MFU(*args, 2, 4) > pp4  # TP2: more micro-batches a pipeline, a smaller bubble


def test_the_experts_copies_reduce_their_gradients_over_the_nics():
    # gpt-oss-120b EP8 on 64 B200s (8-GPU nodes): 8 copies of 114B routed parameters, each GPU 1/8 of them, reduce-
    # scattered and all-gathered in BF16 (4 bytes a parameter) x 7/8 over 50 GB/s a GPU: ~1 s a step
    routed = (116.83e9 - 5.13e9) / (1 - 4 / 128)
    sync = routed * T.EXPERT_SYNC_BYTES * (1 / 8 - 1 / 64) / (T.SCALE_OUT_GBS * 1e9)
    assert 0.9 < sync < 1.1
    kw = dict(params=5.13e9, peak_tflops=2250.0, share=0.4, layers=36.0, d_model=2880.0, seq_len=4096.0,
              routed_experts=4.0, moe_layers=36.0, total_params=116.83e9, expert_share=4 / 128,
              interconnect_gbs=1800.0, batch_tokens=512 * 4096.0, ep=8.0, micro_batch_tokens=16384.0)  # fmt: skip
    on_nodes = T.train_mfu(**kw, gpus=64.0, scaleup_gpus=8.0)
    one_node = T.train_mfu(**dict(kw, batch_tokens=64 * 4096.0), gpus=8.0, scaleup_gpus=8.0)  # one copy: no reduction
    per_gpu = 512 * 4096 / 64
    step = 6 * 5.13e9 * per_gpu / (on_nodes * 2250e12)
    step_alone = 6 * 5.13e9 * per_gpu / (one_node * 2250e12)
    assert step - step_alone == pytest.approx(sync, rel=0.02)
    # ep 1: every GPU holds every expert, replicated as the dense weights are (the fitted overhead's): no such term
    assert T.layout_step_terms(routed, 64.0, 512 * 4096.0, 16384.0, 1.0, 1.0, 1.0, 1.0, 0.0, 8.0)[1] == 0.0
    assert T.layout_step_terms(routed, 64.0, 512 * 4096.0, 16384.0, 8.0, 1.0, 1.0, 1.0, 1800.0, 8.0)[
        1
    ] == pytest.approx(sync)
    # the same copies inside an NVL72 rack reduce over one direction of NVLink (900 GB/s): 18x cheaper
    in_rack = T.train_mfu(**kw, gpus=64.0, scaleup_gpus=72.0)
    assert 6 * 5.13e9 * per_gpu / (in_rack * 2250e12) - step_alone == pytest.approx(sync * 50 / 900, rel=0.02)


def test_layout_degrees_without_their_step_are_refused_saying_what_to_type():
    with pytest.raises(FlopsheetError, match="pp describes the expert-parallel step's layout") as e:
        F.TRAIN_MFU("gpt-oss-120b", "H100", "bf16", 4096, 64, 2097152, pp=4)
    assert e.value.arg == "pp"
    with pytest.raises(FlopsheetError, match="tp describes") as e:
        F.TRAIN_MFU("Llama 3.1 405B", "H100", "bf16", 8192, 16384, 16777216, tp=8)
    assert e.value.arg == "tp"
    with pytest.raises(FlopsheetError, match="pp needs gpus and batch_tokens") as e:
        F.TRAIN_MFU("gpt-oss-120b", "H100", "bf16", 4096, None, None, None, 8, 16384, 1, 4)
    assert e.value.arg == "pp"
    for bad in (0, 2.5, True, "four"):
        with pytest.raises(FlopsheetError) as e:
            F.TRAIN_MFU("gpt-oss-120b", "H100", "bf16", 4096, 64, 2097152, None, 8, 16384, 1, bad)
        assert e.value.arg == "pp", bad
    # pp 1 without gpus is no pipeline: answered
    assert 0 < F.TRAIN_MFU("gpt-oss-120b", "H100", "bf16", 4096, None, None, None, 8, 16384, 1, 1) < 0.4


def test_published_moe_steps_at_their_layouts():
    # Megatron-Bridge 25.11 (docs/performance-summary.md at 97ad8cc, 2025-12-04), tokens/s a GPU at the published
    # EP and micro-batch: Qwen3 30B-A3B EP8 on 8 B200s at MBS 1: 9,299; on 8 GB200s at MBS 4: 23,766 (2.56x, where
    # the FP8 peaks differ by 1.11x: the per-micro-batch cost); DeepSeek-V3 EP64 on 256 GB200s at MBS 1: 3,653
    def rate(model, gpu, gpus, gbs, ep, mbs, active):
        mfu = F.TRAIN_MFU(model, gpu, "fp8", 4096, gpus, gbs * 4096, None, ep, mbs * 4096)
        peak = {"B200": 4500e12, "GB200": 5000e12}[gpu]
        return mfu * peak / (6 * active)

    b200 = rate("Qwen3 30B-A3B", "B200", 8, 512, 8, 1, 3.3e9)
    gb200 = rate("Qwen3 30B-A3B", "GB200", 8, 512, 8, 4, 3.3e9)
    assert b200 == pytest.approx(9299, rel=0.15) and gb200 == pytest.approx(23766, rel=0.15)
    assert 2.0 < gb200 / b200 < 3.0
    assert rate("DeepSeek-V3", "GB200", 256, 2048, 64, 1, 37e9) == pytest.approx(3653, rel=0.15)


# -- ep is a degree inside one NVLink domain (EP_DOMAIN; the GPU's platform row, catalog/platforms.csv) -------------


def test_ep_inside_the_nvlink_domain_is_answered_as_before():
    # the domain is only a check: within it the engine gives the same number whatever the domain's size
    kw = dict(params=37e9, peak_tflops=1979.0, share=0.41, layers=61.0, d_model=7168.0, seq_len=4096.0,
              routed_experts=8.0, moe_layers=58.0, total_params=671e9, expert_share=8 / 256, interconnect_gbs=900.0,
              micro_batch_tokens=4096.0)  # fmt: skip
    for ep in (1.0, 2.0, 8.0):
        at8, unknown = T.train_mfu(**kw, ep=ep, scaleup_gpus=8.0), T.train_mfu(**kw, ep=ep, scaleup_gpus=0.0)
        assert at8 == unknown and 0 < at8 < 0.41
    assert T.train_mfu(**kw, ep=64.0, scaleup_gpus=72.0) == T.train_mfu(**kw, ep=64.0, scaleup_gpus=0.0)
    # through the face: the largest degree each platform holds (8 on an HGX/DGX node or MI300X platform, 72 on NVL72)
    for gpu, domain in (("H100", 8), ("H800", 8), ("B200", 8), ("MI300X", 8), ("GB200", 72), ("GB300", 72)):
        assert 0 < F.TRAIN_MFU("DeepSeek-V3", gpu, "fp8", 4096, None, None, None, domain, 4096) < 0.41, gpu


@pytest.mark.parametrize(
    ("model", "gpu", "ep", "domain"),
    [
        ("DeepSeek-V3", "H100", 64, 8),  # an 8-GPU DGX H100: the all-to-all of EP64 crosses the NICs
        ("DeepSeek-V3", "B200", 16, 8),
        ("DeepSeek-V3", "H800", 9, 8),  # one past the domain
        ("gpt-oss-120b", "MI300X", 16, 8),  # the 8-GPU MI300X platform (Infinity Fabric)
        ("DeepSeek-V3", "GB200", 144, 72),  # two NVL72 racks
        ("DeepSeek-V3", "GB300", 73, 72),
        ("DeepSeek-V3", "H100 PCIe", 16, 8),  # no platform row: the 8-GPU node assumed (SCALE_UP_GPUS)
        (7e9, "H100", 64, 8),  # a plain count (ep changes nothing there) is still refused: the input is wrong
    ],
)
def test_ep_beyond_the_nvlink_domain_is_refused_saying_what_to_type(model, gpu, ep, domain):
    want = (
        rf"TRAIN_MFU: ep = {ep} is beyond the GPU's NVLink domain of {domain} GPUs .*catalog/platforms\.csv.*; "
        rf"type ep <= {domain}, or leave ep blank for expert parallelism across nodes"
    )
    with pytest.raises(FlopsheetError, match=want) as err:
        F.TRAIN_MFU(model, gpu, "fp8", 4096, None, None, None, ep, 4096)
    assert err.value.arg == "ep"
    # blank ep (expert parallelism across nodes, the lumped scale-out term) is answered
    assert 0 < F.TRAIN_MFU(model, gpu, "fp8", 4096) <= 0.41


def test_a_typed_peak_has_no_known_domain():
    # a peak number is no catalog GPU: its domain is unknown (scaleup_gpus 0) and not checked; a plain count has
    # no experts, so ep changes nothing; a catalog model's ep > 1 is refused by EP_LINK (no NVLink figure)
    assert F.TRAIN_MFU(7e9, 989, "bf16", None, None, None, None, 64, 4096) == pytest.approx(F.TRAIN_MFU(7e9, 989))
    with pytest.raises(FlopsheetError, match=r"ep > 1 needs the GPU's NVLink bandwidth"):
        F.TRAIN_MFU("DeepSeek-V3", 989, "fp8", 4096, None, None, None, 64, 4096)


def test_ep_beyond_the_domain_is_refused_per_element():
    import numpy as np

    from flopsheet.engine._checks import run_masked
    from flopsheet.functions.declaration import evaluate

    # the engine: each element against its own domain (0: unknown, not checked)
    good = dict(params=3e10, peak_tflops=989.0, share=0.4, d_model=4096.0, routed_experts=8.0, moe_layers=40.0,
                total_params=3e11, expert_share=0.0625, micro_batch_tokens=4096.0, interconnect_gbs=900.0)  # fmt: skip
    out, errors = run_masked(
        T.train_mfu.formula,
        {**{k: np.full(4, v) for k, v in good.items()}, "ep": np.array([8.0, 64.0, 64.0, 64.0]),
         "scaleup_gpus": np.array([8.0, 8.0, 72.0, 0.0])},
    )  # fmt: skip
    assert errors[0] is None and errors[2] is None and errors[3] is None
    assert "ep = 64 is beyond the GPU's NVLink domain of 8 GPUs" in errors[1]
    assert out[2] == out[3] and 0 < out[0] < 0.4
    # the face: a range of GPUs and degrees, each cell answered or refused on its own
    gpus = np.array([["H100"], ["GB200"], ["GB200"], ["B200"]], dtype=object)
    eps = np.array([[8.0], [64.0], [144.0], [64.0]])
    out, errors, _ = evaluate(F.REGISTRY["TRAIN_MFU"], "DeepSeek-V3", gpus, "fp8", 4096, None, None, None, eps, 4096)
    assert errors[0, 0] is None and errors[1, 0] is None
    assert "domain of 72 GPUs" in errors[2, 0] and "type ep <= 72" in errors[2, 0]
    assert "domain of 8 GPUs" in errors[3, 0] and "type ep <= 8" in errors[3, 0]
    assert out[0, 0] == pytest.approx(F.TRAIN_MFU("DeepSeek-V3", "H100", "fp8", 4096, None, None, None, 8, 4096))
    assert out[1, 0] == pytest.approx(F.TRAIN_MFU("DeepSeek-V3", "GB200", "fp8", 4096, None, None, None, 64, 4096))


def test_the_domain_is_the_platform_row_else_the_8_gpu_node():
    from flopsheet import catalog
    from flopsheet.catalog.platforms import all_platforms
    from flopsheet.engine.tensor_parallel import SCALE_UP_GPUS
    from flopsheet.functions.declaration import scaleup_gpus

    rows = {p.gpu: p.scaleup_gpus for p in all_platforms()}
    assert rows["GB200"] == rows["GB300"] == 72 and rows["H100 SXM"] == rows["B200"] == 8
    for gpu in catalog.all_gpus():
        assert scaleup_gpus(gpu.name) == rows.get(gpu.name, SCALE_UP_GPUS), gpu.name
