"""engine.parallel: layouts as deployed and expert-parallel serving (issue 20, items 2 and 5), hand-computed cases."""

import csv
from pathlib import Path

import pytest

from flopsheet import catalog
from flopsheet.catalog.platforms import all_platforms, platform
from flopsheet.engine import moe
from flopsheet.engine import parallel as P
from flopsheet.engine import tensor_parallel as tp
from flopsheet.errors import FlopsheetError
from flopsheet.functions import layout as L

ROOT = Path(__file__).resolve().parents[2]


def test_layouts_parse_as_typed():
    assert P.parse_layout("TP8") == P.Layout(tp=8, ep=0)
    lay = P.parse_layout(" tp4, ep8 ")
    assert (lay.tp, lay.ep, lay.gpus, lay.replicas) == (4, 8, 8, 2)
    lay = P.parse_layout("EP144")  # DeepSeek's decode unit: attention data-parallel on every GPU
    assert (lay.tp, lay.gpus, lay.replicas) == (1, 144, 144)
    assert str(P.parse_layout("ep32 TP2")) == "TP2 EP32"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "layout is empty"),
        ("TP", "'TP' is not a degree"),
        ("PP4", "'PP4' is not a degree"),
        ("TP2 TP4", "gives TP twice"),
        ("TP0", "TP0 must be at least 1"),
        ("TP3 EP8", "EP8 is not a multiple of TP3"),
        ("TP3 EP8", r"e\.g\. TP2 EP8, keeping EP8, or TP3 EP9"),  # a TP that divides the EP the user typed first
    ],
)
def test_a_layout_that_means_nothing_is_refused(text, words):
    with pytest.raises(FlopsheetError, match=words) as e:
        P.parse_layout(text)
    assert e.value.arg == "layout"


def test_layouts_use_the_serving_functions_tensor_parallel_rule():
    # one rule (engine.tensor_parallel): a layout's TP is valid exactly where the serving functions' gpus is,
    # with the platform's scale-up domain; no platform row: the default 8-GPU domain
    for heads, kv_heads in ((40, 8), (28, 4), (32, 8), (64, 1), (0, 0)):
        for domain in (8, 72, None):
            for t in range(1, 80):
                ok = tp.is_valid_degree(t, heads, kv_heads, domain or 0)
                try:
                    _check(f"TP{t}", heads=heads, kv_heads=kv_heads, scaleup_gpus=domain, scaleout_gbs=None)
                    accepted = True
                except FlopsheetError:
                    accepted = False
                assert accepted == ok, (heads, kv_heads, domain, t)
    # Llama 4 (40 heads, 8 KV heads): 5 divides 40 but neither divides 8 nor is a multiple of it
    assert tp.valid_tp_degrees(40, 8, 8) == [1, 2, 4, 8]
    # a 72-GPU NVL72 domain lets TP reach 32 for 32 heads; the scale-up domain caps it at 8 on HGX
    assert tp.valid_tp_degrees(32, 8, 72) == [1, 2, 4, 8, 16, 32]
    with pytest.raises(FlopsheetError, match=r"8-GPU scale-up domain assumed\); valid: TP1, TP2, TP4 or TP8"):
        _check("TP16", kv_heads=1, scaleup_gpus=None, scaleout_gbs=None)  # MLA, GPU without a platform row


def _check(layout, **kw):
    args = dict(model="M", heads=64, kv_heads=8, experts=256, gpu="G", scaleup_gpus=8, scaleout_gbs=50.0)
    args.update(kw)
    P.check_layout(P.parse_layout(layout), **args)


def test_layout_checks_name_the_valid_choices():
    _check("TP8")
    _check("EP144")
    with pytest.raises(FlopsheetError, match="valid: TP1, TP2, TP4 or TP8") as e:
        _check("TP16")  # beyond the 8-GPU NVLink domain
    assert "scale-up domain: 8 GPUs" in e.value.message and "64 attention heads" in e.value.message
    assert e.value.arg == "layout"
    with pytest.raises(FlopsheetError, match="valid: TP1, TP2, TP4 or TP8"):
        _check("TP3")  # does not divide 64 heads
    with pytest.raises(FlopsheetError, match="is dense: use TP only"):
        _check("EP8", experts=0)
    with pytest.raises(FlopsheetError, match="use EP <= 8"):
        _check("EP16", experts=8)
    with pytest.raises(FlopsheetError, match="no row in the platform catalog"):
        _check("EP8", scaleup_gpus=None, scaleout_gbs=None)
    _check("EP8", scaleout_gbs=None)  # inside one node: NVLink only, no NIC needed
    with pytest.raises(FlopsheetError, match="scale-out network is not published"):
        _check("EP16", scaleout_gbs=None)


def test_moe_split_deepseek_v3():
    # 37B active of 671B, 8 of 256 routed: routed = 634 / (1 - 1/32) = 654.45B; dense 16.55B
    dense, routed = P.moe_split(37e9, 671e9, 8 / 256)
    assert routed == pytest.approx(634e9 / (31 / 32))
    assert dense == pytest.approx(671e9 - 634e9 * 32 / 31)
    dense, routed = P.moe_split(8e9, 0.0, 0.0)  # dense model: all dense
    assert (dense, routed) == (8e9, 0.0)


def test_remote_domains():
    assert P.remote_domains(8, 32, 8) == pytest.approx(3 * (1 - 0.75**8))  # 2.6997 of 6 remote copies
    assert P.remote_domains(8, 8, 8) == 0.0  # inside one node
    assert P.remote_domains(1, 16, 8) == pytest.approx(0.5)  # top-1 over two nodes: half the tokens leave


def test_all_to_all_hand_computed():
    # DeepEP's low-latency test setting: 128 tokens per GPU, 7168 hidden, top-8, FP8 dispatch + BF16 combine
    # (1 + 2 bytes a value here), EP128 on H800 nodes (8 GPUs, NVLink 400 GB/s both ways, NIC 50 GB/s)
    per_copy = 128 * 7168 * 3.0
    remote = 15 * (1 - (15 / 16) ** 8)
    nic = per_copy * remote / (50e9 * 0.8)
    nvlink = per_copy * 8 / (200e9 * 0.8)
    got = P.all_to_all_seconds(128, 8, 7168, 1, 128, 8, 400.0, 50.0, dispatch_bytes=1.0, imbalance=1.0)
    assert float(got) == pytest.approx(max(nic, nvlink))
    assert 0.35e-3 < float(got) < 0.6e-3  # DeepEP measured 192 + 369 us (no per-node merge): 0.56 ms
    # inside one node only NVLink counts; one GPU sends nothing
    inside = P.all_to_all_seconds(128, 8, 7168, 2, 8, 8, 400.0, 0.0, dispatch_bytes=1.0, imbalance=1.0)
    assert float(inside) == pytest.approx(2 * nvlink)
    assert float(P.all_to_all_seconds(128, 8, 7168, 2, 1, 8, 400.0, 0.0)) == 0.0


# A toy mixture of experts: 10B total, 2.8B active, share 0.2 -> routed 9B, dense 1B (2.8 = 1 + 0.2 x 9)
TOY = dict(
    params=2.8e9,
    total_params=10e9,
    expert_share=0.2,
    experts_per_token=2.0,
    d_model=1000.0,
    layers=10.0,
    moe_layers=10.0,
    tp=1.0,
    peak_tflops=100.0,
    bandwidth_tbs=1.0,
    bytes_per_param=1.0,
    bw_efficiency=1.0,
    scaleup_gpus=8.0,
    nvlink_gbs=800.0,
    scaleout_gbs=50.0,
    allreduce_us=10.0,
)


def test_one_gpu_is_the_roofline():
    # 100 tokens touch every expert (1 - 0.8^100 = 1 - 2e-10): 10 GB read at 1 TB/s = 10 ms. FLOPs: dense
    # 2 x 1e9 x 100 = 2e11 at 100 TFLOP/s = 2 ms; experts 2 x 0.2 x 9e9 x 100 = 3.6e11 at 20 tokens an expert,
    # a grouped GEMM at 20 / (20 + 100) of the rate: 21.6 ms. No imbalance or all-to-all on one GPU.
    got = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=1.0, mfu=1.0, **TOY)
    assert float(got) == pytest.approx(2e-3 + 21.6e-3, rel=1e-9)
    # at 10 GB/s of memory the weights' 1 s is the bound
    got = P.ep_forward_seconds(
        tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=1.0, mfu=1.0, **dict(TOY, bandwidth_tbs=0.01)
    )
    assert float(got) == pytest.approx(1.0, rel=1e-6)


def test_the_experts_width_cost_is_on_their_work():
    # engine.moe.EXPERT_WIDTH_HALF: experts w wide cost EXPERT_WIDTH_HALF / w more of their work's time; on one GPU
    # the toy's 3.6e11 expert FLOPs (at 20 tokens an expert, 1 + 100 / 20 = 6 times their work's 3.6 ms) take 3.6 ms
    # more at a cost of 1 (2,048-wide experts), 1.8 ms more at 0.5; over EP4 the busiest GPU's 1.25 x a quarter
    one = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=1.0, mfu=1.0, **TOY)
    for cost, more in ((1.0, 3.6e-3), (0.5, 1.8e-3)):
        wide = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=1.0, mfu=1.0, expert_cost=cost, **TOY)
        assert float(wide) - float(one) == pytest.approx(more, rel=1e-9)
    # (one batch: at this cost the GPUs compute longer than two micro-batches read, which would hide half the
    # all-to-all; the engine runs that, 3 us faster)
    ep4 = dict(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, overlap=False, **TOY)
    four, wide = P.ep_forward_seconds(**ep4), P.ep_forward_seconds(expert_cost=1.0, **ep4)
    assert float(wide) - float(four) == pytest.approx(3.6e11 * 1.25 / 4 / 1e14, rel=1e-9)
    assert moe.expert_width(9e9, 10.0, 10.0, 1000.0) == 3e4  # the toy's 10 experts a layer are 30,000 wide


def test_grouped_gemm_efficiency_follows_deepgemm():
    # DeepGEMM masked layout vs contiguous (H800 FP8): 932 / 1040 / 1233 of ~1293 TFLOPS at 256 / 512 / 1024 rows
    for m, measured in ((256, 932 / 1293), (512, 1040 / 1293), (1024, 1233 / 1293)):
        assert P.grouped_gemm_efficiency(m) == pytest.approx(measured, abs=0.09)
    assert P.grouped_gemm_efficiency(100.0) == 0.5


def test_expert_parallel_step_hand_computed():
    # EP4 in one node: each GPU reads 1 GB dense + 9/4 GB experts (3.25 ms); computes 2e11 / 4 dense (0.5 ms) and
    # 3.6e11 x 1.25 / 4 expert FLOPs at 25 tokens an expert (x 25 / 125): 5.625 ms. All-to-all: 25 tokens a GPU x
    # 1.25 x 1000 x (1 + 4/128 + 2) bytes per copy, 2 copies over NVLink at 400 x 0.8 GB/s, 10 layers: 5.92 us.
    # Fixed: 2 x 10 layers x 10 us. Two micro-batches would read the weights twice (6.5 ms) to hide half of
    # 5.92 us: the engine runs one batch, compute then the all-to-all.
    got = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, **TOY)
    a2a = 10 * 2 * (25 * 1.25 * 1000 * (1 + 4 / 128 + 2)) / (400e9 * 0.8)
    assert float(got) == pytest.approx(6.125e-3 + a2a + 2 * 10 * 10e-6, rel=1e-9)
    off = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, overlap=False, **TOY)
    assert float(off) == float(got)


def test_two_micro_batches_hide_a_slow_all_to_all():
    # EP16 over two 8-GPU nodes on a 1 GB/s NIC, 100 tokens a GPU: a token's 2 experts leave the node for
    # 1 x (1 - 1/2^2) = 0.75 remote nodes; 100 x 1.25 x 1000 x 3.03125 bytes a copy x 0.75 / 0.8 GB/s x 10 layers
    # = 3.55 ms (NVLink's 2 copies at 320 GB/s: 24 us). Work: compute 2e9 x 1600 / 16 at 100 TFLOP/s = 2 ms dense
    # + 2 x 0.2 x 9e9 x 1600 x 1.25 / 16 = 4.5e11 at 400 tokens an expert (x 0.8) = 5.625 ms; weights 1.5625 GB
    # (3.125 ms twice) stay under it. Overlapped: 7.625 + half of 3.55 ms, against 7.625 + 3.55 ms in one batch.
    kw = dict(TOY, scaleout_gbs=1.0)
    got = P.ep_forward_seconds(tokens=1600.0, attn_flops=0.0, kv_gb=0.0, gpus=16.0, mfu=1.0, **kw)
    copy = 100 * 1.25 * 1000 * (1 + 4 / 128 + 2)
    a2a = 10 * copy * 0.75 / 0.8e9
    work = 2e-3 + 4.5e11 / (1e14 * 0.8)
    assert float(got) == pytest.approx(work + 0.5 * a2a + 2 * 10 * 10e-6, rel=1e-9)
    serial = P.ep_forward_seconds(tokens=1600.0, attn_flops=0.0, kv_gb=0.0, gpus=16.0, mfu=1.0, overlap=False, **kw)
    assert float(serial) == pytest.approx(work + a2a + 2 * 10 * 10e-6, rel=1e-9)


def test_a_tensor_parallel_layout_has_no_all_to_all():
    # TP4 over a MoE: experts sharded over the group, no all-to-all, no imbalance, one read of the weights:
    # weights 10 GB / 4 = 2.5 ms; compute 2e11 / 4 dense + 3.6e11 / 4 at 20 tokens an expert (x 1/6) = 5.9 ms;
    # two all-reduces per layer over 10 layers: 20 x (10 us + 2 x 3/4 x 100 tokens x 1000 x 2 bytes / 400 GB/s)
    kw = dict(TOY, tp=4.0)
    got = P.ep_forward_seconds(tokens=100.0, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, expert_parallel=False, **kw)
    allreduce = 20 * (10e-6 + 2 * 0.75 * 100 * 1000 * 2 / 400e9)
    assert float(got) == pytest.approx(0.5e-3 + 5.4e-3 + allreduce, rel=1e-9)


def test_imbalance_slows_the_busiest_gpu():
    kw = dict(TOY, bandwidth_tbs=1000.0)  # compute bound: only the expert FLOPs move with the imbalance
    even = P.ep_forward_seconds(tokens=1e4, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, imbalance=1.0, **kw)
    hot = P.ep_forward_seconds(tokens=1e4, attn_flops=0.0, kv_gb=0.0, gpus=4.0, mfu=1.0, imbalance=2.0, **kw)
    assert float(hot) > float(even)


def test_largest_batch_meets_latency_and_memory():
    def step(b):
        return 0.001 * b + 0.01

    assert P.largest_ep_batch(step, 100.0, 0.0, 2, 0.05) == 40  # 0.001 x 40 + 0.01 = 50 ms
    assert P.largest_ep_batch(step, 10.0, 1.0, 2, 0.05) == 20  # 2 GPUs x 10 GB free / 1 GB a sequence
    assert P.largest_ep_batch(step, 10.0, 1.0, 2, 0.001) == 1  # not even one: the caller refuses it


def test_platform_catalog_is_sourced_and_names_catalog_gpus():
    with open(ROOT / "addin/flopsheet/catalog/platforms.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(all_platforms()) >= 8
    names = {g.name for g in catalog.all_gpus()}
    for r in rows:
        assert r["gpu"] in names, r["gpu"]
        assert r["source"].startswith("https://") and r["source_date"] and r["confidence"], r["gpu"]
        assert int(r["scaleup_gpus"]) in (8, 72), r["gpu"]
    assert platform("H800 SXM").scaleout_gbs == 50.0  # DeepEP: CX7 400 Gb/s, ~50 GB/s
    assert platform("GB300").scaleup_gpus == 72 and platform("GB300").scaleout_gbs == 100.0
    assert platform("MI300X").scaleout_gbs is None  # no NIC in AMD's platform spec
    assert platform("L4") is None


def test_deepseek_layouts_are_expressible():
    dec = L.ep_serving("DeepSeek-V3", "H800", "EP144", 0, 1000, precision="fp8", context=4989)
    assert dec["gpus"] == 144 and dec["step_ms"] <= 50.0
    # DeepSeek's note: ~14.8k output tokens/s per node (1,850 per GPU) at 20-22 tokens/s per user
    assert 1850 / 1.4 < dec["per_gpu"] < 1850 * 1.4
    pre = L.ep_prefill("DeepSeek-V3", "H100", "EP32", 2000, precision="fp8")
    assert 52300 / 8 / 1.4 < pre["per_gpu"] < 52300 / 8 * 1.4  # SGLang: 52.3k input tokens/s per node


def test_the_layout_binding_refuses_what_cannot_run():
    with pytest.raises(FlopsheetError, match="Llama 3.1 70B is dense"):
        L.bind("Llama 3.1 70B", "H100", "EP8")
    with pytest.raises(FlopsheetError, match="valid: TP1, TP2, TP4 or TP8"):
        L.bind("Llama 4 Maverick", "H100", "TP5")
    with pytest.raises(FlopsheetError, match="scale-out network is not published"):
        L.bind("DeepSeek-V3", "MI300X", "EP16")
    with pytest.raises(FlopsheetError, match="no row in the platform catalog"):
        L.bind("Qwen3 30B-A3B", "L40S", "EP4")
    with pytest.raises(FlopsheetError, match="spread the experts over more GPUs"):
        L.ep_serving("DeepSeek-V3", "H100", "EP4", 0, 100, precision="fp8")  # 671 GB over 4 x 80 GB


def test_the_overlap_gain_matches_sglangs_two_batch_overlap():
    # SGLang: two-batch overlap gives 27-35% more prefill throughput (DeepSeek-V3, EP32 on H100 nodes, 2,000-token
    # prompts); the model's gain from OVERLAP_SHARE in that setting
    b = L.bind("DeepSeek-V3", "H100", "EP32", "fp8")
    args = dict(tokens=2000 * 32.0, attn_flops=32 * L._prefill_attention(b, 2000), kv_gb=0.0, mfu=0.65 * 0.75)
    overlapped = float(P.ep_forward_seconds(**args, **b["forward"]))
    serial = float(P.ep_forward_seconds(**args, **dict(b["forward"], overlap=False)))
    assert 1.25 <= serial / overlapped <= 1.37


def test_the_excel_functions():
    from flopsheet import functions as F

    node = F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, None, 4989) / 18
    direct = L.ep_serving("DeepSeek-V3", "H800", "EP144", 0, 1000, precision="fp8", context=4989)["tokens_per_s"] / 18
    assert node == pytest.approx(direct)
    # a longer latency target allows a larger batch and more tokens a second; a typed batch replaces the search
    slow = F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, 100, 4989) / 18
    assert slow > node
    small = F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", 1440, None, 4989) / 18
    assert small < node
    col = F.LAYOUT_PREFILL_TOKENS_PER_SECOND("DeepSeek-V3", "H100", [["EP16"], ["EP32"]], 2000, "fp8")
    assert col.shape == (2, 1) and col[1, 0] > col[0, 0]  # twice the GPUs, more tokens a second
    with pytest.raises(FlopsheetError, match="beyond the model's context of 131,?072"):
        F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 200000, 1000, "fp8")
    with pytest.raises(FlopsheetError, match="context_tokens = 200,?000 is beyond"):
        F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, None, 200000)
    with pytest.raises(FlopsheetError, match="the largest that fits is"):
        F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", 10**7, None, 4989)
    with pytest.raises(FlopsheetError, match="layout is empty"):
        F.LAYOUT_PREFILL_TOKENS_PER_SECOND("DeepSeek-V3", "H100", " ", 2000)


@pytest.mark.parametrize(
    "model, gpu, tp, prompt, output, precision, weight_bytes",
    [
        ("Llama 3.1 70B", "H100", 4, 1000, 1000, "fp8", 1.0),
        ("Qwen3 235B-A22B", "H200", 8, 1000, 1000, "fp8", 1.0),
        # AMD's CDNA3: the layout's step at its achieved shares of the peak and the decode bandwidth, as SERVING_GPUS'
        ("Llama 3.1 70B", "MI300X", 4, 1000, 1000, "bf16", 2.0),
    ],
)
def test_a_tensor_parallel_layout_is_serving_gpus_replica(model, gpu, tp, prompt, output, precision, weight_bytes):
    # one serving model: a "TP" layout runs the serving bundle's tensor-parallel step as SERVING_GPUS sizes a
    # replica (its largest batch under 50 ms, its prefill), so the rate is the one SERVING_GPUS implies
    from flopsheet import functions as F

    load = 1e11  # requests a day: whole-GPU rounding below 1e-5
    gpus = F.SERVING_GPUS(
        load, prompt, output, model, gpu, tp, peak_factor=1, bytes_per_param=weight_bytes, precision=precision
    )
    implied = load / 86400 * output / gpus * tp
    assert F.LAYOUT_TOKENS_PER_SECOND(model, gpu, f"TP{tp}", prompt, output, precision) == pytest.approx(
        implied, rel=1e-4
    )


def test_a_tensor_parallel_prefill_is_ttft_seconds():
    # 4 prompts (one a GPU) on a TP4 group: TTFT_SECONDS' prefill of a batch of 4, the same serving bundle
    from flopsheet import functions as F

    rate = F.LAYOUT_PREFILL_TOKENS_PER_SECOND("Llama 3.1 70B", "H100", "TP4", 2000, "fp8", 1)
    ttft = F.TTFT_SECONDS("Llama 3.1 70B", 2000, "H100", batch=4, bytes_per_param=1, gpus=4, precision="fp8")
    assert rate == pytest.approx(2000 * 4 / ttft, rel=1e-12)


def test_the_layout_decode_step():
    from flopsheet import functions as F

    # a TP layout's step is DECODE_MS with the model's own cache (one serving bundle), on AMD's CDNA3 at its achieved
    # shares of the peak and the bandwidth too (the layout ignored them: 17.6 ms against DECODE_MS' 20.9 on MI300X)
    kv = F.KV_CACHE_GB("Llama 3.1 70B", 2000, 64, 2, 4)
    for gpu in ("H100", "MI300X"):
        same = F.DECODE_MS("Llama 3.1 70B", gpu, 64, 1, 4, kv, precision="fp8")
        assert F.LAYOUT_DECODE_MS("Llama 3.1 70B", gpu, "TP4", 64, 2000, "fp8") == pytest.approx(same, rel=1e-12)
    # experts over the group: a few tokens an expert at batch 8 touch a fraction of them, each a padded grouped GEMM
    ep = F.LAYOUT_DECODE_MS("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 1)
    assert 10.0 < ep < 20.0  # ML.ENERGY's vLLM run: 18.4 ms a step
    with pytest.raises(FlopsheetError, match="precision bf16"):
        F.LAYOUT_DECODE_MS("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930)  # 1,342 GB of BF16 weights on 8 x 180 GB
    with pytest.raises(FlopsheetError, match="context_tokens = 200,?000 is beyond"):
        F.LAYOUT_DECODE_MS("DeepSeek-R1", "B200", "TP8 EP8", 8, 200000, "fp8")


def test_the_layout_decode_step_with_the_servers_cpu_time():
    from flopsheet import functions as F
    from flopsheet.engine.inference import HOST_SERIAL_SHARE, host_step_ms

    # a TP layout with host_us: ITL_MS' combination with the GPUs' step (engine.inference.host_step_ms)
    args = ("Llama 3.1 70B", "H100", "TP4", 512, 400, "bf16")
    gpu = F.LAYOUT_DECODE_MS(*args)
    assert F.LAYOUT_DECODE_MS(*args, 2, 68) == pytest.approx(host_step_ms(gpu, 512, 68.0), rel=1e-12)
    assert F.LAYOUT_DECODE_MS(*args, 2, 68) > gpu + HOST_SERIAL_SHARE * 512 * 68e-3 - 1e-9
    assert F.LAYOUT_DECODE_MS(*args, 2, 0) == gpu  # 0: the GPUs' step alone, as blank
    # DeepSeek-V3 at 256 sequences on 8 B200s (ML.ENERGY's TP8 EP8 run: 55.5 ms): one attention replica, one
    # scheduler over all 256
    tp8 = ("DeepSeek-V3", "B200", "TP8 EP8", 256, 4664, "fp8", 1)
    assert F.LAYOUT_DECODE_MS(*tp8, 68) == pytest.approx(host_step_ms(F.LAYOUT_DECODE_MS(*tp8), 256, 68.0), rel=1e-12)
    # attention data-parallel (EP8: 8 replicas, each its own engine process): each CPU works for its 32 sequences
    ep8 = ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1)
    assert F.LAYOUT_DECODE_MS(*ep8, 68) == pytest.approx(host_step_ms(F.LAYOUT_DECODE_MS(*ep8), 32, 68.0), rel=1e-12)
    with pytest.raises(FlopsheetError, match="host_us must be a number >= 0"):
        F.LAYOUT_DECODE_MS(*tp8, -1)


def test_held_sequences_is_what_fits_beside_the_weights():
    """functions.layout.held_sequences: an instance's free memory (usable share of each GPU less the weights it holds,
    the dense part over the TP group and the routed experts over EP) over one sequence's cache at `context`, what a
    scheduler reserving each request's whole cache admits; hand-computed for DeepSeek-R1 FP8 over 8 H200s."""
    from flopsheet import functions as F
    from flopsheet.engine.inference import USABLE_FRACTION

    held = L.held_sequences("DeepSeek-R1", "H200", "EP8", 2000, precision="fp8", kv_bytes=1.0)
    dense, routed = P.moe_split(
        F.MODEL_SPEC("DeepSeek-R1", "active_params"),
        F.MODEL_SPEC("DeepSeek-R1", "total_params"),
        F.MODEL_SPEC("DeepSeek-R1", "experts_per_token") / F.MODEL_SPEC("DeepSeek-R1", "experts"),
    )
    room = 8 * (141 * USABLE_FRACTION - (dense + routed / 8) / 1e9)  # FP8: a byte a weight, each GPU its dense part
    one = F.KV_CACHE_GB("DeepSeek-R1", 2000, 1, 1, 1)  # attention data parallel: each sequence's latent cache once
    assert held == int(room // one) and 3000 < held < 3500
    # a longer reservation holds fewer, in proportion to the cache
    assert L.held_sequences("DeepSeek-R1", "H200", "EP8", 9216, precision="fp8", kv_bytes=1.0) == int(
        room // F.KV_CACHE_GB("DeepSeek-R1", 9216, 1, 1, 1)
    )
    # the weights alone overfill the GPUs: nothing is held (LAYOUT_TOKENS_PER_SECOND refuses the same setup)
    assert L.held_sequences("DeepSeek-R1", "H200", "EP8", 2000) == 0


def test_a_layout_takes_its_weights_bytes_apart_from_the_precision():
    """bytes_per_param: a checkpoint stored in one format and computed at another's peak (gpt-oss' MXFP4 experts on
    Hopper: the BF16 peak, 0.5 bytes a weight). Blank is the precision's bytes (the same number as typing them); the
    step reads and holds that many; refused by name beyond 4 or where they overfill the GPUs."""
    from flopsheet import functions as F

    step = ("gpt-oss-120b", "H100", "EP4", 512, 2000, "bf16", 2)
    assert F.LAYOUT_DECODE_MS(*step, None, 2) == F.LAYOUT_DECODE_MS(*step)
    assert F.LAYOUT_DECODE_MS(*step, None, 0.5) == pytest.approx(
        L.ep_decode_ms(*step[:5], precision="bf16", kv_bytes=2, bytes_per_param=0.5), rel=1e-12
    )
    assert F.LAYOUT_DECODE_MS(*step, None, 0.5) < F.LAYOUT_DECODE_MS(*step, None, 1) < F.LAYOUT_DECODE_MS(*step)
    served = ("gpt-oss-120b", "H100", "EP4", 1000, 1000, "bf16", None, None, None, 2)
    fp8 = ("gpt-oss-120b", "H100", "EP4", 1000, 1000, "fp8", None, None, None, 2)
    assert F.LAYOUT_TOKENS_PER_SECOND(*fp8, 1) == F.LAYOUT_TOKENS_PER_SECOND(*fp8)  # fp8's own byte
    # the same weights at the BF16 peak: fewer tokens than at FP8's, more than BF16's own 2 bytes leave room for
    assert (
        F.LAYOUT_TOKENS_PER_SECOND(*served)
        < F.LAYOUT_TOKENS_PER_SECOND(*served, 0.5)
        < F.LAYOUT_TOKENS_PER_SECOND(*fp8[:9], 2, 0.5)
    )
    prefill = ("gpt-oss-120b", "H100", "EP4", 8192, "bf16", 1)
    assert F.LAYOUT_PREFILL_TOKENS_PER_SECOND(*prefill, 0.5) >= F.LAYOUT_PREFILL_TOKENS_PER_SECOND(*prefill)
    with pytest.raises(FlopsheetError, match="bytes_per_param must be at most 4"):
        F.LAYOUT_DECODE_MS(*step, None, 8)
    with pytest.raises(FlopsheetError, match="bytes_per_param must be a number > 0"):
        F.LAYOUT_TOKENS_PER_SECOND(*served, 0)
    with pytest.raises(FlopsheetError, match=r"\(4 bytes each\) take .* type fewer bytes_per_param"):  # R1 on 8 B200s
        F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-R1", "B200", "EP8", 1000, 1000, "fp8", None, None, None, 1, 4)


@pytest.mark.parametrize("host_us, host_serial", [(68.0, None), (29.4, 0.0), (150.0, 1.0)])
def test_a_layouts_throughput_counts_the_servers_cpu_time(host_us, host_serial):
    """LAYOUT_TOKENS_PER_SECOND's host_us and host_serial are SERVING_GPUS': a TP-only layout's rate is the one
    SERVING_GPUS implies with the same CPU time; an expert-parallel instance's step is engine.inference.host_step_ms
    over each attention replica's own sequences (batch / replicas), in the serving search and the throughput."""
    from flopsheet import functions as F
    from flopsheet.engine.inference import HOST_SERIAL_SHARE, decode_ms_unchecked, host_step_ms

    load, tp = 1e11, 4
    host = dict(host_us=host_us, host_serial=host_serial)
    gpus = F.SERVING_GPUS(load, 1000, 1000, "Llama 3.1 70B", "H100", tp, peak_factor=1, bytes_per_param=1.0,
                          precision="fp8", **host)  # fmt: skip
    implied = load / 86400 * 1000 / gpus * tp
    args = ("Llama 3.1 70B", "H100", "TP4", 1000, 1000, "fp8", None, None, None, 2, None, host_us, host_serial)
    assert F.LAYOUT_TOKENS_PER_SECOND(*args) == pytest.approx(implied, rel=1e-4)
    # experts over 8 GPUs, attention data-parallel: 8 replicas, each CPU over its batch / 8
    ep = ("Qwen3 30B-A3B", "H100", "EP8", 1000, 2000)
    got = L.ep_serving(*ep, precision="fp8", kv_bytes=1.0, host_us=host_us, host_serial=host_serial)
    bound = L.bind("Qwen3 30B-A3B", "H100", "EP8", "fp8", kv_bytes=1.0)
    kv, attn = L._sequence(bound, 1000 + 2000 / 2)  # the running context: prompt + half the answer
    gpu_ms = float(decode_ms_unchecked(L.setup_of(bound), got["batch"], got["batch"] * kv, attn))
    share = HOST_SERIAL_SHARE if host_serial is None else host_serial
    assert got["step_ms"] == pytest.approx(float(host_step_ms(gpu_ms, got["batch"] / 8, host_us, share)), rel=1e-12)
    plain = L.ep_serving(*ep, precision="fp8", kv_bytes=1.0)
    # never faster; slower where the CPU's share is on the critical path (hidden at 0: 29.4 us a sequence of 8 ranks)
    assert got["tokens_per_s"] <= plain["tokens_per_s"] and (share == 0 or got["tokens_per_s"] < plain["tokens_per_s"])
    assert (
        F.LAYOUT_TOKENS_PER_SECOND(*ep, "fp8", None, None, None, 1, None, host_us, host_serial) == got["tokens_per_s"]
    )
    # LAYOUT_DECODE_MS takes the share too (blank: vLLM's)
    step = ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1, host_us)
    gpu = F.LAYOUT_DECODE_MS(*step[:7])
    assert F.LAYOUT_DECODE_MS(*step, None, host_serial) == pytest.approx(
        float(host_step_ms(gpu, 256 / 8, host_us, share)), rel=1e-12
    )
    with pytest.raises(FlopsheetError, match="host_serial must be a share from 0 to 1"):
        F.LAYOUT_TOKENS_PER_SECOND(*ep, "fp8", None, None, None, 1, None, host_us, 1.5)
    with pytest.raises(FlopsheetError, match="host_us must be a number >= 0"):
        F.LAYOUT_TOKENS_PER_SECOND(*ep, "fp8", None, None, None, 1, None, -1)
